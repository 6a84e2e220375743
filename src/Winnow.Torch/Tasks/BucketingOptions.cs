namespace Winnow.Torch.Tasks;

/// <summary>Options for <see cref="LengthBucketer"/>.</summary>
public sealed record BucketingOptions
{
    /// <summary>Examples per batch (with <see cref="MaxTokensPerBatch"/>: the most per batch).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Token budget: a batch's padded size (count × longest) stays within this. Null: fixed-size batches.</summary>
    public int? MaxTokensPerBatch { get; init; }

    /// <summary>Sorting happens within chunks of this many batches: enough to group lengths, little enough to keep batches varied.</summary>
    public int ChunkBatches { get; init; } = 50;

    public int Seed { get; init; } = 1234;

    /// <summary>Shuffle which examples meet in a chunk and the order batches come out in (training); off keeps data order (scoring).</summary>
    public bool Shuffle { get; init; } = true;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkBatches, 1, nameof(ChunkBatches));
        if (MaxTokensPerBatch is < 1) throw new ArgumentOutOfRangeException(nameof(MaxTokensPerBatch), MaxTokensPerBatch, "must be positive.");
    }
}
