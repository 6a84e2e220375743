using Winnow.Torch.Evaluation;
using Winnow.Torch.Training;

namespace Winnow.Torch.Tasks;

/// <summary>Length-bucketed batches of encoded examples for training and for evaluation.</summary>
public static class Batching
{
    /// <summary>
    /// Training batches bucketed by length (padding stays small), rebucketed per epoch from (seed, epoch) so every
    /// epoch sees a new order and a rerun sees the same one. Collated lazily inside the trainer's step scope.
    /// </summary>
    public static BatchSource ForTraining(IReadOnlyList<EncodedExample> examples, Collator collator, int batchSize, int seed)
    {
        if (examples.Count == 0) throw new ArgumentException("No examples to train on.", nameof(examples));
        var lengths = examples.Select(e => e.Length).ToArray();
        IReadOnlyList<int[]> Plan(int epoch) =>
            new LengthBucketer(new BucketingOptions { BatchSize = batchSize, Seed = unchecked(seed * 7919 + epoch) }).Batches(lengths);
        int perEpoch = Plan(0).Count;
        return new BatchSource(perEpoch, epoch => Plan(epoch).Select(b => collator.Collate(b.Select(i => examples[i]).ToArray())));
    }

    /// <summary>Evaluation batches, sorted by length, each row carrying its example index.</summary>
    public static IEnumerable<IndexedBatch> ForEvaluation(IReadOnlyList<EncodedExample> examples, Collator collator, int batchSize)
    {
        var order = Enumerable.Range(0, examples.Count).OrderBy(i => examples[i].Length).ToArray();
        foreach (var chunk in order.Chunk(batchSize))
            yield return new IndexedBatch(collator.Collate(chunk.Select(i => examples[i]).ToArray()), chunk);
    }

    public static double PaddingFraction(IReadOnlyList<EncodedExample> examples, int batchSize, int seed) =>
        LengthBucketer.PaddingFraction(
            new LengthBucketer(new BucketingOptions { BatchSize = batchSize, Seed = seed }).Batches(examples.Select(e => e.Length).ToArray()),
            examples.Select(e => e.Length).ToArray());
}
