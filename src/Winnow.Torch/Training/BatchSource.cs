using Winnow.Torch.Modeling;

namespace Winnow.Torch.Training;

/// <summary>
/// Where a run's batches come from: a fixed number of batches per epoch and a function that enumerates epoch e's
/// batches (it may reshuffle per epoch, but must give the same batches for the same e so runs and resumes repeat).
/// The trainer advances the enumerator inside each step's dispose scope, so tensors a lazy enumerator creates are
/// freed after their step; batches built beforehand stay the caller's.
/// </summary>
public sealed record BatchSource(int BatchesPerEpoch, Func<int, IEnumerable<Batch>> ForEpoch)
{
    /// <summary>
    /// Batches of <paramref name="batchSize"/> examples, collated lazily; shuffled per epoch with a generator seeded by
    /// (<paramref name="seed"/>, epoch) when <paramref name="shuffle"/> is set. The last short batch is kept.
    /// </summary>
    public static BatchSource FromExamples<T>(IReadOnlyList<T> examples, int batchSize, Func<IReadOnlyList<T>, Batch> collate, int seed, bool shuffle = true)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(collate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (examples.Count == 0) throw new ArgumentException("No examples to train on.", nameof(examples));
        int batches = (examples.Count + batchSize - 1) / batchSize;
        return new BatchSource(batches, epoch => Enumerate(examples, batchSize, collate, EpochOrder(examples.Count, seed, epoch, shuffle)));
    }

    /// <summary>Example indices in the order epoch <paramref name="epoch"/> visits them.</summary>
    public static int[] EpochOrder(int count, int seed, int epoch, bool shuffle)
    {
        var order = Enumerable.Range(0, count).ToArray();
        // System.Random with a seed is stable across .NET versions for the same seed, unlike HashCode-based seeds.
        if (shuffle) new Random(unchecked(seed * 1_000_003 + epoch)).Shuffle(order);
        return order;
    }

    private static IEnumerable<Batch> Enumerate<T>(IReadOnlyList<T> examples, int batchSize, Func<IReadOnlyList<T>, Batch> collate, int[] order)
    {
        for (int start = 0; start < order.Length; start += batchSize)
        {
            var chunk = order.Skip(start).Take(batchSize).Select(i => examples[i]).ToArray();
            yield return collate(chunk);
        }
    }
}
