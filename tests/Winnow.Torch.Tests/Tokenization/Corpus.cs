namespace Winnow.Torch.Tests.Tokenization;

internal static class Corpus
{
    private static readonly string[] Words =
    [
        "the", "model", "data", "selection", "fine-tuning", "target", "pool", "loss", "token", "winnow",
        "Berlin", "Paris", "café", "naïve", "über", "東京", "données", "2024", "42", "Hello,", "world!", "it's", "we'll",
    ];

    /// <summary>Deterministic pseudo-text with repeated words (so merges exist), punctuation, digits and non-ASCII.</summary>
    public static IEnumerable<string> Sentences(int count, int seed = 7)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int n = rng.Next(3, 20);
            var words = new string[n];
            for (int j = 0; j < n; j++) words[j] = Words[rng.Next(Words.Length)];
            yield return string.Join(' ', words) + (i % 3 == 0 ? ".\n" : ".");
        }
    }

    private static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "ba", "de", "fi", "go", "hu", "ja", "pe",
        "qui", "ro", "st", "tra", "ung", "ver", "wo", "xa", "yel", "zor", "an", "en", "in", "on", "ur", "ch",
    ];

    /// <summary>Many distinct pseudo-words with a Zipf-like frequency, like natural text, so BPE has thousands of merges to learn.</summary>
    public static IEnumerable<string> ZipfText(int sentences, int seed = 11)
    {
        var rng = new Random(seed);
        var lexicon = new string[20_000];
        for (int i = 0; i < lexicon.Length; i++)
        {
            int n = 1 + rng.Next(4);
            var sb = new System.Text.StringBuilder();
            for (int j = 0; j < n; j++) sb.Append(Syllables[rng.Next(Syllables.Length)]);
            lexicon[i] = i % 17 == 0 ? char.ToUpperInvariant(sb[0]) + sb.ToString(1, sb.Length - 1) : sb.ToString();
        }
        for (int s = 0; s < sentences; s++)
        {
            int n = 5 + rng.Next(20);
            var words = new string[n];
            for (int j = 0; j < n; j++) words[j] = lexicon[(int)(lexicon.Length * Math.Pow(rng.NextDouble(), 3))];
            yield return string.Join(' ', words) + ". ";
        }
    }
}
