using System.Globalization;
using Winnow.Core.Data;

namespace Winnow.Torch.Methods.Less;

/// <summary>
/// What a LESS run does (docs/methods.md, "LESS"; princeton-nlp/LESS). Defaults follow the paper and its code except the LoRA
/// rank: LESS uses rank 128 / alpha 512 on 7B models; our tiny models take the shared rank 8 with alpha 32, which keeps
/// LESS's scaling alpha/r = 4. Everything here goes into the manifest, so a changed option is a different run.
/// </summary>
public sealed record LessOptions
{
    public TaskKind Kind { get; init; } = TaskKind.Instruction;

    /// <summary>Share of the pool drawn for the warm-up (LESS: 5%).</summary>
    public double WarmupFraction { get; init; } = 0.05;

    /// <summary>Warm-up set size; overrides <see cref="WarmupFraction"/> when set.</summary>
    public int? WarmupSize { get; init; }

    /// <summary>Warm-up epochs, one checkpoint each (LESS: 4).</summary>
    public int Epochs { get; init; } = 4;

    /// <summary>Peak warm-up learning rate (LESS: 2e-5, linear schedule, 3% warm-up).</summary>
    public double LearningRate { get; init; } = 2e-5;

    public double WarmupStepsFraction { get; init; } = 0.03;

    /// <summary>Examples per optimizer step (LESS: 1 per device × 32 accumulation).</summary>
    public int BatchSize { get; init; } = 32;

    public int LoraRank { get; init; } = 8;

    public double LoraAlpha { get; init; } = 32;

    /// <summary>LESS: 0.1.</summary>
    public double LoraDropout { get; init; } = 0.1;

    /// <summary>d, the projected gradient dimension (LESS: 8192).</summary>
    public int ProjectionDim { get; init; } = 8192;

    /// <summary>Seed of the Rademacher projection; every shard and checkpoint uses the same matrix (LESS: 0).</summary>
    public long ProjectionSeed { get; init; }

    /// <summary>Gradient rows per generated block of the projection: a property of the matrix, so it is in the manifest.</summary>
    public int ProjectionBlockRows { get; init; } = 1024;

    /// <summary>
    /// Gradients projected together: the P×d Rademacher matrix is regenerated block by block for every batch, so a
    /// batch of 16 (LESS's) cost 50 ms per gradient against 4.4 ms at 512 (P = 17,545, d = 8192, one core).
    /// </summary>
    public int ProjectionBatch { get; init; } = 512;

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>
    /// LESS's code computes Γ = m'/√(v' + ε) (ε inside the root); the paper writes m'/(√v' + ε). True = the code's
    /// form (default, faithful to the released implementation); false = the paper's formula.
    /// </summary>
    public bool EpsilonInsideSqrt { get; init; } = true;

    public int MaxLength { get; init; } = 256;

    public int Seed { get; init; }

    public LessOptions Validate()
    {
        var errors = new List<string>();
        if (!(WarmupFraction > 0 && WarmupFraction <= 1)) errors.Add($"WarmupFraction must be in (0, 1] (got {WarmupFraction}).");
        if (WarmupSize is < 1) errors.Add($"WarmupSize must be >= 1 (got {WarmupSize}).");
        if (Epochs < 1) errors.Add($"Epochs must be >= 1 (got {Epochs}).");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) errors.Add($"LearningRate must be positive and finite (got {LearningRate}).");
        if (!(WarmupStepsFraction >= 0 && WarmupStepsFraction < 1)) errors.Add($"WarmupStepsFraction must be in [0, 1) (got {WarmupStepsFraction}).");
        if (BatchSize < 1) errors.Add($"BatchSize must be >= 1 (got {BatchSize}).");
        if (LoraRank < 1) errors.Add($"LoraRank must be >= 1 (got {LoraRank}).");
        if (!(LoraAlpha > 0)) errors.Add($"LoraAlpha must be positive (got {LoraAlpha}).");
        if (LoraDropout is < 0 or >= 1) errors.Add($"LoraDropout must be in [0, 1) (got {LoraDropout}).");
        if (ProjectionDim < 1) errors.Add($"ProjectionDim must be >= 1 (got {ProjectionDim}).");
        if (ProjectionBlockRows < 1) errors.Add($"ProjectionBlockRows must be >= 1 (got {ProjectionBlockRows}).");
        if (ProjectionBatch < 1) errors.Add($"ProjectionBatch must be >= 1 (got {ProjectionBatch}).");
        if (Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1) errors.Add($"Betas must be in [0, 1) (got {Beta1}, {Beta2}).");
        if (!(AdamEpsilon > 0)) errors.Add($"AdamEpsilon must be positive (got {AdamEpsilon}).");
        if (MaxLength < 8) errors.Add($"MaxLength must be >= 8 (got {MaxLength}).");
        if (errors.Count > 0) throw new ArgumentException("Invalid LESS options: " + string.Join(" ", errors));
        return this;
    }

    /// <summary>The warm-up set size for a pool of <paramref name="poolSize"/>: at least one example, at most the pool.</summary>
    public int ResolveWarmupSize(int poolSize) =>
        Math.Clamp(WarmupSize ?? (int)Math.Round(WarmupFraction * poolSize, MidpointRounding.AwayFromZero), 1, Math.Max(1, poolSize));

    /// <summary>The settings keys <see cref="FromSettings"/> reads (CLI <c>--set key=value</c>).</summary>
    public static IReadOnlyList<string> SettingKeys { get; } =
    [
        "warmup_fraction", "warmup_size", "epochs", "learning_rate", "batch_size", "lora_rank", "lora_alpha", "lora_dropout",
        "projection_dim", "projection_seed", "projection_batch", "epsilon_inside_sqrt", "max_length",
    ];

    /// <summary>Options from text settings over <paramref name="defaults"/>; an unknown key is an error, not ignored.</summary>
    public static LessOptions FromSettings(IReadOnlyDictionary<string, string> settings, LessOptions? defaults = null)
    {
        var o = defaults ?? new LessOptions();
        foreach (var (key, value) in settings)
        {
            o = key switch
            {
                "warmup_fraction" => o with { WarmupFraction = Double(key, value) },
                "warmup_size" => o with { WarmupSize = Int(key, value) },
                "epochs" => o with { Epochs = Int(key, value) },
                "learning_rate" => o with { LearningRate = Double(key, value) },
                "batch_size" => o with { BatchSize = Int(key, value) },
                "lora_rank" => o with { LoraRank = Int(key, value) },
                "lora_alpha" => o with { LoraAlpha = Double(key, value) },
                "lora_dropout" => o with { LoraDropout = Double(key, value) },
                "projection_dim" => o with { ProjectionDim = Int(key, value) },
                "projection_seed" => o with { ProjectionSeed = Long(key, value) },
                "projection_batch" => o with { ProjectionBatch = Int(key, value) },
                "epsilon_inside_sqrt" => o with { EpsilonInsideSqrt = Bool(key, value) },
                "max_length" => o with { MaxLength = Int(key, value) },
                _ => throw new ArgumentException($"Unknown LESS setting '{key}'; known: {string.Join(", ", SettingKeys)}."),
            };
        }
        return o.Validate();
    }

    private static double Double(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw Bad(key, value, "a number");

    private static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw Bad(key, value, "an integer");

    private static long Long(string key, string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw Bad(key, value, "an integer");

    private static bool Bool(string key, string value) =>
        bool.TryParse(value, out var b) ? b : throw Bad(key, value, "true or false");

    private static ArgumentException Bad(string key, string value, string what) => new($"LESS setting {key}='{value}' is not {what}.");
}
