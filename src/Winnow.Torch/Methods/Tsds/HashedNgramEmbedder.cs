using Winnow.Torch.Methods.Common;
using System.Text.RegularExpressions;
using Winnow.Core.Data;
using Winnow.Methods.Common;

namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// Model-free embeddings: lower-cased word 1..n-grams feature-hashed (FNV-1a, with a hash-derived sign so collisions
/// cancel on average rather than pile up) into a fixed width, then L2-normalised. Lexical similarity only, but cheap,
/// deterministic across machines and runs, and good enough to separate genres and templates.
/// </summary>
public sealed partial class HashedNgramEmbedder : IEmbedder
{
    private readonly int _maxN;

    public HashedNgramEmbedder(int dimension = 1024, int maxN = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxN, 1);
        Dimension = dimension;
        _maxN = maxN;
    }

    public int Dimension { get; }

    public string Description => $"hashed word 1..{_maxN}-grams, {Dimension} dims";

    public EmbeddedBatch Embed(IReadOnlyList<Example> examples, CancellationToken cancellationToken = default)
    {
        var vectors = new float[examples.Count * Dimension];
        var lengths = new int[examples.Count];
        for (int i = 0; i < examples.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var words = Words(ExampleText.Of(examples[i]));
            lengths[i] = words.Length;
            var row = vectors.AsSpan(i * Dimension, Dimension);
            Accumulate(words, row);
            Normalise(row);
        }
        return new EmbeddedBatch(vectors, lengths);
    }

    private void Accumulate(string[] words, Span<float> row)
    {
        for (int n = 1; n <= _maxN; n++)
        {
            for (int start = 0; start + n <= words.Length; start++)
            {
                ulong h = Fnv(words, start, n);
                int bucket = (int)(h % (ulong)Dimension);
                row[bucket] += (h >> 63) == 0 ? 1f : -1f;
            }
        }
    }

    private static ulong Fnv(string[] words, int start, int n)
    {
        ulong h = 14695981039346656037UL;
        for (int w = start; w < start + n; w++)
        {
            foreach (char c in words[w]) h = (h ^ c) * 1099511628211UL;
            h = (h ^ 0x1F) * 1099511628211UL; // word separator, so "ab c" and "a bc" differ
        }
        // Final avalanche: FNV's low bits are weak for a modulus and its top bit picks the sign.
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        return h;
    }

    internal static void Normalise(Span<float> row)
    {
        double sum = 0;
        foreach (var v in row) sum += (double)v * v;
        if (sum <= 0) return;
        float inv = (float)(1 / Math.Sqrt(sum));
        for (int i = 0; i < row.Length; i++) row[i] *= inv;
    }

    private static string[] Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToArray();

    [GeneratedRegex(@"\w+|[^\w\s]", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();

    public void Dispose()
    {
    }
}
