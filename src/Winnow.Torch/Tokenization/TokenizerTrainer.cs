using System.Text;

namespace Winnow.Torch.Tokenization;

/// <summary>
/// Learns a GPT-2 style byte-level BPE from raw text. Microsoft.ML.Tokenizers can load and run BPE vocabularies but has
/// no trainer, hence this one. Words come from GPT-2's pre-tokenization regex, so merges never cross word boundaries
/// and the leading space stays part of a word, exactly as the loader's BpeTokenizer splits text at encode time.
/// <para>Cost: pair counts are kept and updated incrementally; each merge re-reads only the words that contain the
/// merged pair, found through a pair→words index, and the best pair comes from a lazily-invalidated heap.</para>
/// <para>Determinism: ties in pair frequency go to the pair whose (left id, right id) is smallest; ids are assigned in a
/// fixed order (specials, then bytes by value, then merges), so the same texts give byte-identical files.</para>
/// </summary>
public static class TokenizerTrainer
{
    public static TrainedBpe Train(IEnumerable<string> texts, TokenizerTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new TokenizerTrainerOptions();
        options.Validate();
        var state = new BpeState(options.Specials.Distinct());
        state.AddWords(CountWords(texts));
        state.LearnMerges(options.VocabSize, options.MinPairFrequency);
        return new TrainedBpe(state.Tokens, state.Merges, options.Specials);
    }

    /// <summary>Trains and writes the tokenizer folder to <paramref name="dir"/>, returning it loaded through ML.Tokenizers.</summary>
    public static WinnowTokenizer TrainAndSave(IEnumerable<string> texts, string dir, TokenizerTrainerOptions? options = null) =>
        Train(texts, options).Save(dir);

    private static Dictionary<string, long> CountWords(IEnumerable<string> texts)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            if (string.IsNullOrEmpty(text)) continue;
            foreach (var match in ByteLevel.Gpt2Regex.EnumerateMatches(text))
            {
                var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
                var word = text.AsSpan(match.Index, match.Length);
                if (lookup.TryGetValue(word, out long c)) lookup[word] = c + 1;
                else counts[word.ToString()] = 1;
            }
        }
        return counts;
    }

    private sealed class BpeState
    {
        private readonly List<string> _tokens = [];
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly List<int[]> _words = [];
        private readonly List<long> _freqs = [];
        private readonly Dictionary<long, long> _pairCounts = [];
        private readonly Dictionary<long, List<int>> _pairWords = [];
        private readonly PriorityQueue<long, (long Count, long Pair)> _heap = new(Comparer<(long Count, long Pair)>.Create(
            (x, y) => x.Count != y.Count ? y.Count.CompareTo(x.Count) : x.Pair.CompareTo(y.Pair)));
        private readonly int[] _byteIds = new int[256];

        public BpeState(IReadOnlyList<string> specials)
        {
            foreach (var s in specials) AddToken(s);
            for (int b = 0; b < 256; b++) _byteIds[b] = AddToken(ByteLevel.ByteToChar((byte)b).ToString());
        }

        public List<string> Tokens => _tokens;
        public List<(string, string)> Merges { get; } = [];

        public void AddWords(Dictionary<string, long> counts)
        {
            // Sorted so that word indices — and so every later iteration order — do not depend on hashing.
            foreach (var (word, freq) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var bytes = Encoding.UTF8.GetBytes(word);
                var symbols = new int[bytes.Length];
                for (int i = 0; i < bytes.Length; i++) symbols[i] = _byteIds[bytes[i]];
                int index = _words.Count;
                _words.Add(symbols);
                _freqs.Add(freq);
                for (int i = 0; i + 1 < symbols.Length; i++) AddPair(Key(symbols[i], symbols[i + 1]), freq, index);
            }
            foreach (var (pair, count) in _pairCounts) _heap.Enqueue(pair, (count, pair));
        }

        public void LearnMerges(int vocabSize, int minFrequency)
        {
            var changed = new HashSet<long>();
            while (_tokens.Count < vocabSize && TryPopBest(minFrequency, out long best))
            {
                int left = (int)(best >> 32), right = (int)(best & 0xFFFFFFFF);
                string merged = _tokens[left] + _tokens[right];
                // Two merge paths can spell the same token ("ab"+"c", "a"+"bc"): the merge is kept, the id is shared.
                int id = _ids.TryGetValue(merged, out int existing) ? existing : AddToken(merged);
                Merges.Add((_tokens[left], _tokens[right]));
                changed.Clear();
                ApplyMerge(best, left, right, id, changed);
                foreach (var pair in changed)
                    if (_pairCounts.TryGetValue(pair, out long c) && c > 0) _heap.Enqueue(pair, (c, pair));
            }
        }

        private bool TryPopBest(int minFrequency, out long best)
        {
            while (_heap.TryDequeue(out best, out var entry))
            {
                // Entries are never updated in place: one whose count no longer matches is stale.
                if (_pairCounts.TryGetValue(best, out long current) && current == entry.Count)
                    return current >= minFrequency;
            }
            return false;
        }

        private void ApplyMerge(long pair, int left, int right, int id, HashSet<long> changed)
        {
            var wordIndices = _pairWords[pair];
            _pairWords.Remove(pair);
            foreach (int w in wordIndices)
            {
                var symbols = _words[w];
                if (!Contains(symbols, left, right)) continue; // stale index entry
                long freq = _freqs[w];
                for (int i = 0; i + 1 < symbols.Length; i++) AddPair(Key(symbols[i], symbols[i + 1]), -freq, -1, changed);
                var merged = Merge(symbols, left, right, id);
                _words[w] = merged;
                for (int i = 0; i + 1 < merged.Length; i++) AddPair(Key(merged[i], merged[i + 1]), freq, w, changed);
            }
            _pairCounts.Remove(pair);
        }

        private static bool Contains(int[] symbols, int left, int right)
        {
            for (int i = 0; i + 1 < symbols.Length; i++)
                if (symbols[i] == left && symbols[i + 1] == right) return true;
            return false;
        }

        private static int[] Merge(int[] symbols, int left, int right, int id)
        {
            var result = new List<int>(symbols.Length);
            for (int i = 0; i < symbols.Length; i++)
            {
                if (i + 1 < symbols.Length && symbols[i] == left && symbols[i + 1] == right)
                {
                    result.Add(id);
                    i++;
                }
                else result.Add(symbols[i]);
            }
            return result.ToArray();
        }

        private void AddPair(long pair, long delta, int word, HashSet<long>? changed = null)
        {
            _pairCounts[pair] = _pairCounts.GetValueOrDefault(pair) + delta;
            changed?.Add(pair);
            if (word < 0) return;
            if (!_pairWords.TryGetValue(pair, out var list)) _pairWords[pair] = list = [];
            // Words are visited in increasing index order within one pass, so a last-element check removes repeats.
            if (list.Count == 0 || list[^1] != word) list.Add(word);
        }

        private int AddToken(string token)
        {
            int id = _tokens.Count;
            _tokens.Add(token);
            _ids[token] = id;
            return id;
        }

        private static long Key(int left, int right) => ((long)left << 32) | (uint)right;
    }
}
