using Winnow.Torch.Modeling;

namespace Winnow.Torch.Pretraining;

/// <summary>
/// Options for <see cref="Pretrainer"/>. Everything here (with the corpus' content hash) names the cache entry, so a
/// second call with the same inputs returns the cached model at once.
/// </summary>
public sealed record PretrainOptions
{
    public PretrainFamily Family { get; init; } = PretrainFamily.Ner;
    public string Preset { get; init; } = "tiny";
    public int VocabSize { get; init; } = 4096;

    /// <summary>Optimizer steps; the tiny presets reach a clear gain over an untrained model in a few hundred.</summary>
    public int Steps { get; init; } = 600;
    public int BatchSize { get; init; } = 32;

    /// <summary>Tokens per training window (causal LM) or longest sentence (masked LM).</summary>
    public int SequenceLength { get; init; } = 128;
    public double LearningRate { get; init; } = 1e-3;
    public double WarmupFraction { get; init; } = 0.05;

    /// <summary>At most this many texts are read from the corpus (a deterministic prefix of the sorted files).</summary>
    public int MaxTexts { get; init; } = 40_000;

    /// <summary>Share of texts held out (chosen by id hash) to measure the gain over an untrained model.</summary>
    public double HeldOutFraction { get; init; } = 0.05;
    public int Seed { get; init; }

    public PretrainOptions Validate()
    {
        if (!ModelPresets.Names.Contains(Preset)) throw new ArgumentException($"Unknown preset '{Preset}': expected {string.Join(", ", ModelPresets.Names)}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(VocabSize, 300, nameof(VocabSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Steps, nameof(Steps));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(SequenceLength, 16, nameof(SequenceLength));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTexts, nameof(MaxTexts));
        if (HeldOutFraction is <= 0 or >= 0.5) throw new ArgumentOutOfRangeException(nameof(HeldOutFraction), "Held-out fraction must be in (0, 0.5).");
        return this;
    }
}
