using Winnow.Torch.Modeling;

namespace Winnow.Torch.Evaluation;

/// <summary>
/// A batch and the example index of each of its rows, so results land in example order whatever order the batches
/// come in (length bucketing sorts examples by length).
/// </summary>
public sealed record IndexedBatch(Batch Batch, int[] Indices)
{
    /// <summary>Batches of consecutive examples with no reordering: rows are examples start..start+n−1.</summary>
    public static IndexedBatch Sequential(Batch batch, int start) =>
        new(batch, Enumerable.Range(start, checked((int)batch.Size)).ToArray());
}
