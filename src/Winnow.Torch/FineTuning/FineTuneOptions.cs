using Winnow.Torch.Modeling;
using Winnow.Torch.Training;

namespace Winnow.Torch.FineTuning;

/// <summary>
/// The fine-tuning recipe every selection is judged by (the same for ToV's subset and the random baseline).
/// <see cref="LoraRank"/> 0 means full fine-tuning.
/// </summary>
public sealed record FineTuneOptions
{
    /// <summary>LoRA rank; 0 trains every weight. Paper: 256 for instruction tuning, 1 for NER (on 7B/large models).</summary>
    public int LoraRank { get; init; } = 8;
    public double LoraAlpha { get; init; } = 32;
    public double LoraDropout { get; init; } = 0.2;
    public double LearningRate { get; init; } = 1e-3;
    public int Epochs { get; init; } = 3;
    public int BatchSize { get; init; } = 16;
    public double WarmupFraction { get; init; } = 0.03;
    public double? MaxGradNorm { get; init; } = 1.0;
    public int Seed { get; init; }

    /// <summary>Keep the word-embedding matrix fixed (for a pretrained encoder it is half the parameters, and a few
    /// hundred sentences only move the rows of the words they contain).</summary>
    public bool FreezeEmbeddings { get; init; }

    /// <summary>
    /// Evaluate on the validation set given to <see cref="FineTuner.Run"/> after every epoch and end with the weights of
    /// the epoch whose validation loss was lowest (early stopping without stopping: the schedule still runs to the end).
    /// </summary>
    public bool SelectEpoch { get; init; }

    public FineTuneOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(LoraRank, nameof(LoraRank));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LearningRate, nameof(LearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        return this;
    }

    public LoraOptions Lora() => new() { Rank = Math.Max(1, LoraRank), Alpha = LoraAlpha, Dropout = LoraDropout, Seed = Seed };

    public TrainingOptions Training() => new()
    {
        LearningRate = LearningRate,
        Epochs = Epochs,
        BatchSize = BatchSize,
        WarmupFraction = WarmupFraction,
        MaxGradNorm = MaxGradNorm,
        Seed = Seed,
    };
}
