using Winnow.Core.Data;
using Winnow.Torch.Modeling;

namespace Winnow.Torch.Methods.Common;

/// <summary>
/// The LoRA warm-up on a random base set U that ToV's base epochs and the uncertainty baseline share
/// (docs/methods.md, "Uncertainty"): the same defaults, sizes and LoRA, so with equal settings the uncertainty
/// baseline's adapter is ToV's θ_bas^0. ToV's own options start from these defaults.
/// </summary>
public sealed record LoraWarmup
{
    public const double DefaultLearningRate = 2e-4;
    public const int DefaultBatchSize = 16;
    public const int DefaultLoraRank = 8;
    public const double DefaultLoraAlpha = 32;
    public const double DefaultLoraDropout = 0.2;
    public const int DefaultMaxLength = 256;

    public TaskKind Kind { get; init; } = TaskKind.Instruction;

    /// <summary>|U|; null = min(4096, |P|/4).</summary>
    public int? BaseSize { get; init; }

    /// <summary>The epochs the learning-rate schedule is laid out over; null = max(1, 16·1024/|U|).</summary>
    public int? Epochs { get; init; }

    public double LearningRate { get; init; } = DefaultLearningRate;
    public int BatchSize { get; init; } = DefaultBatchSize;
    public int LoraRank { get; init; } = DefaultLoraRank;
    public double LoraAlpha { get; init; } = DefaultLoraAlpha;
    public double LoraDropout { get; init; } = DefaultLoraDropout;
    public int MaxLength { get; init; } = DefaultMaxLength;
    public int Seed { get; init; }

    public LoraOptions Lora => new() { Rank = LoraRank, Alpha = LoraAlpha, Dropout = LoraDropout, Seed = Seed };

    public int ResolveBaseSize(int poolSize) => ResolveBaseSize(BaseSize, poolSize);

    public int ResolveEpochs(int baseSize) => ResolveEpochs(Epochs, baseSize);

    /// <summary>|U| for a pool of <paramref name="poolSize"/>: the given size, or min(4096, |P|/4), within [1, |P|].</summary>
    public static int ResolveBaseSize(int? baseSize, int poolSize) => Math.Clamp(baseSize ?? Math.Min(4096, poolSize / 4), 1, Math.Max(1, poolSize));

    /// <summary>L: the given count, or max(1, 16·1024/|U|) (the ToV paper's fixed 1024 batches of 16).</summary>
    public static int ResolveEpochs(int? epochs, int baseSize) => epochs ?? Math.Max(1, 16 * 1024 / Math.Max(1, baseSize));

    /// <summary>The problems with these settings, in the words of the settings' names (empty when valid).</summary>
    public List<string> Problems()
    {
        var errors = new List<string>();
        if (BaseSize is < 1) errors.Add($"BaseSize must be >= 1 (got {BaseSize}).");
        if (Epochs is < 1) errors.Add($"Epochs must be >= 1 (got {Epochs}).");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) errors.Add($"LearningRate must be positive and finite (got {LearningRate}).");
        if (BatchSize < 1) errors.Add($"BatchSize must be >= 1 (got {BatchSize}).");
        if (LoraRank < 1) errors.Add($"LoraRank must be >= 1 (got {LoraRank}).");
        if (!(LoraAlpha > 0)) errors.Add($"LoraAlpha must be positive (got {LoraAlpha}).");
        if (LoraDropout is < 0 or >= 1) errors.Add($"LoraDropout must be in [0, 1) (got {LoraDropout}).");
        if (MaxLength < 8) errors.Add($"MaxLength must be >= 8 (got {MaxLength}).");
        return errors;
    }
}
