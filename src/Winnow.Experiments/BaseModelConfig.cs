namespace Winnow.Experiments;

public sealed record BaseModelConfig
{
    /// <summary>Pre-train (or reuse from the cache) a base model of this preset: tiny, small, medium or large.</summary>
    public string? Preset { get; init; }

    /// <summary>Or use this model: a folder (relative to the config), or a built-in name (minilm-l6, arctic-xs, …).</summary>
    public string? Model { get; init; }
    public int PretrainSteps { get; init; } = 600;
    public int PretrainBatchSize { get; init; } = 32;
    public int VocabSize { get; init; } = 4096;
    // The pre-trainer's own defaults (Winnow.Torch's PretrainOptions; this project builds without it, and a test
    // checks the two agree).
    public int PretrainMaxTexts { get; init; } = 40_000;
    public double PretrainLr { get; init; } = 1e-3;
    public int PretrainSeqLen { get; init; } = 128;

    /// <summary>Pre-training text; empty = the shared data's default corpus for the task, or the pool when that is missing.</summary>
    public List<string> Corpus { get; init; } = [];
}
