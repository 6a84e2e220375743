namespace Winnow.Torch.Tasks;

/// <summary>
/// Groups examples into batches of similar length so that padding (wasted compute) stays small: examples are shuffled,
/// cut into chunks of <see cref="BucketingOptions.ChunkBatches"/> batches, sorted by length within each chunk, cut into
/// batches (fixed size or by token budget), and the batch order is shuffled. Deterministic for a seed.
/// </summary>
public sealed class LengthBucketer
{
    private readonly BucketingOptions _options;

    public LengthBucketer(BucketingOptions? options = null)
    {
        _options = options ?? new BucketingOptions();
        _options.Validate();
    }

    /// <summary>Batches of examples.</summary>
    public IReadOnlyList<IReadOnlyList<EncodedExample>> Batches(IReadOnlyList<EncodedExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return Batches(examples.Select(e => e.Length).ToArray())
            .Select(b => (IReadOnlyList<EncodedExample>)b.Select(i => examples[i]).ToArray())
            .ToArray();
    }

    /// <summary>Batches as index arrays into <paramref name="lengths"/>.</summary>
    public IReadOnlyList<int[]> Batches(IReadOnlyList<int> lengths)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        var rng = new Random(_options.Seed);
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        if (_options.Shuffle) rng.Shuffle(order);
        int chunkSize = _options.ChunkBatches * _options.BatchSize;
        var batches = new List<int[]>();
        for (int start = 0; start < order.Length; start += chunkSize)
        {
            // Stable sort by length (ties keep shuffled order), so the result depends only on the seed.
            var chunk = order[start..Math.Min(order.Length, start + chunkSize)].OrderBy(i => lengths[i]).ToArray();
            batches.AddRange(Cut(chunk, lengths));
        }
        if (_options.Shuffle) rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batches));
        return batches;
    }

    private IEnumerable<int[]> Cut(int[] sorted, IReadOnlyList<int> lengths)
    {
        var current = new List<int>();
        int longest = 0;
        foreach (int i in sorted)
        {
            int newLongest = Math.Max(longest, lengths[i]);
            bool full = current.Count >= _options.BatchSize
                        || (_options.MaxTokensPerBatch is int budget && current.Count > 0 && (current.Count + 1) * (long)newLongest > budget);
            if (full)
            {
                yield return current.ToArray();
                current.Clear();
                newLongest = lengths[i];
            }
            current.Add(i);
            longest = newLongest;
        }
        if (current.Count > 0) yield return current.ToArray();
    }

    /// <summary>Share of the padded batch cells that are padding: Σ(B·T − Σ lengths) / Σ B·T.</summary>
    public static double PaddingFraction(IEnumerable<int[]> batches, IReadOnlyList<int> lengths)
    {
        long cells = 0, real = 0;
        foreach (var batch in batches)
        {
            if (batch.Length == 0) continue;
            cells += (long)batch.Length * batch.Max(i => lengths[i]);
            real += batch.Sum(i => (long)lengths[i]);
        }
        return cells == 0 ? 0 : (double)(cells - real) / cells;
    }

    /// <summary>Padding share of example batches.</summary>
    public static double PaddingFraction(IEnumerable<IReadOnlyList<EncodedExample>> batches)
    {
        long cells = 0, real = 0;
        foreach (var batch in batches)
        {
            if (batch.Count == 0) continue;
            cells += (long)batch.Count * batch.Max(e => e.Length);
            real += batch.Sum(e => (long)e.Length);
        }
        return cells == 0 ? 0 : (double)(cells - real) / cells;
    }
}
