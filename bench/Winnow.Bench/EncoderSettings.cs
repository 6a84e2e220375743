namespace Winnow.Bench;

/// <summary>Settings of the real-encoder benchmark (issue 15, parts 1–2).</summary>
public sealed record EncoderSettings
{
    public IReadOnlyList<int> Threads { get; init; } = [1, 2];

    /// <summary>Seconds each measurement runs for (whole passes over the sentences; at least one).</summary>
    public double Seconds { get; init; } = 8;

    /// <summary>Pool sentences drawn from the study pool (fixed seed); every engine gets the same ones.</summary>
    public int Sentences { get; init; } = 512;

    public int BatchSize { get; init; } = 32;

    public int TrainBatchSize { get; init; } = 16;

    /// <summary>Truncation, as the studies set it (max_length: 128).</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>Forward engines to run (null: all): onnxruntime, winnow-body, winnow-body-inference-mode, winnow-eval, tov-score-unmerged, tov-score, tov-score-8 (8 states, LoRA on every block), tov-score-top2-8 (8 states, LoRA on the top 2 blocks, the 4 below shared).</summary>
    public IReadOnlyList<string>? Engines { get; init; }

    /// <summary>Batch sets to run: bucketed, padded.</summary>
    public IReadOnlyList<string> BatchSets { get; init; } = ["bucketed", "padded"];

    /// <summary>Which parts to run: forward, breakdown, train (all by default).</summary>
    public IReadOnlyList<string> Parts { get; init; } = ["forward", "breakdown", "train"];

    public EncoderSettings Validate()
    {
        if (Threads.Count == 0 || Threads.Any(t => t < 1)) throw new ArgumentException("--threads: one or more counts >= 1.");
        if (!(Seconds > 0)) throw new ArgumentException("--seconds must be positive.");
        if (Sentences < BatchSize) throw new ArgumentException("--sentences must be at least one batch.");
        if (BatchSize < 1 || TrainBatchSize < 1) throw new ArgumentException("batch sizes must be >= 1.");
        return this;
    }
}
