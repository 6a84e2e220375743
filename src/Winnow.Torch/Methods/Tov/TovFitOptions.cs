using System.Text.Json.Serialization;
using Winnow.Core.Data;
using Winnow.Torch.Methods.Common;
using Winnow.Torch.Training;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// What a ToV fit does (docs/methods.md, "ToV"). Everything here goes into the run's manifest, so a changed option is a
/// different run. Null sizes are resolved from the pool size (<see cref="ResolveBaseSize"/>, <see cref="ResolveEpochs"/>).
/// </summary>
public sealed record TovFitOptions : IJsonOnDeserializing
{
    public TaskKind Kind { get; init; } = TaskKind.Instruction;

    /// <summary>|U|; null = by <see cref="Sizes"/>: min(4096, |P|/4, max(200, |P|/8)) (since 2026-12-02), or the paper's min(4096, |P|/4).</summary>
    public int? BaseSize { get; init; }

    /// <summary>L; null = by <see cref="Sizes"/>: 4 (since 2026-12-02), or the paper's max(1, 16·1024/|U|) (a fixed 1024 batches of 16).</summary>
    public int? Epochs { get; init; }

    /// <summary>
    /// How an unset |U| and L are chosen from the pool: <see cref="TovSizes.Studies"/> (the default since 2026-12-02),
    /// what every public study measured at its pool size (|U| 200, L 4 for pools of 900–1,600) and the paper's L = 4 at
    /// its scale; <see cref="TovSizes.Paper"/>, the paper's rule read literally, which at small pools trains for dozens
    /// of epochs and scores every row under 2L states (docs/tov-defaults.md, "The fit's size and step"). Written to the
    /// manifest only while it decides something (a size left unset) and is not the paper's rule, so runs fitted before
    /// the change keep their fingerprints and read as the paper's rule.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TovSizes? Sizes { get => _sizes; init => _sizes = value; }

    private TovSizes? _sizes = TovSizes.Studies;

    /// <summary>L under <see cref="TovSizes.Studies"/>.</summary>
    public const int StudiesEpochs = 4;

    /// <summary>The smallest |U| under <see cref="TovSizes.Studies"/> (pools of at least 800 rows).</summary>
    public const int StudiesMinBaseSize = 200;

    /// <summary>
    /// ToV's learning rate (since 2026-12-02): every public study fitted ToV at 1e-3, on the encoders and on lm-base;
    /// the paper's 2e-4 (7B decoders) was never measured on Winnow's models (docs/tov-defaults.md).
    /// </summary>
    public const double DefaultLearningRate = 1e-3;

    /// <summary>ε: the validation pass runs at ε·η_k.</summary>
    public double Epsilon { get; init; } = 0.1;

    public double LearningRate { get; init; } = DefaultLearningRate;

    public int BatchSize { get; init; } = LoraWarmup.DefaultBatchSize;

    public int LoraRank { get; init; } = LoraWarmup.DefaultLoraRank;

    public double LoraAlpha { get; init; } = LoraWarmup.DefaultLoraAlpha;

    public double LoraDropout { get; init; } = LoraWarmup.DefaultLoraDropout;

    public TovVariant Variant { get; init; } = TovVariant.Interleaved;

    /// <summary>Passes over the target in each validation step (the paper leaves it open; one by default).</summary>
    public int ValidationPasses { get; init; } = 1;

    /// <summary>The transform whose φ becomes a score file's <c>score</c> column.</summary>
    public ScoreTransform Transform { get; init; } = ScoreTransform.Identity;

    public int MaxLength { get; init; } = LoraWarmup.DefaultMaxLength;

    public int Seed { get; init; }

    /// <summary>
    /// How per-token changes become φ (<see cref="TovAggregation"/>). <see cref="TovAggregation.Auto"/> (the default since
    /// 2026-12-03, eleventh session: the sum where the fit finds the target's kind in the pool, the mean elsewhere;
    /// docs/tov-defaults.md, "Summed φ where the pool holds the target's kind") is written to the manifest; the mean,
    /// the default before, is left out as it was, and a manifest without the field reads as the mean, so runs made
    /// before keep their fingerprints and their meaning.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public TovAggregation Aggregation { get => _aggregation; init => _aggregation = value; }

    private TovAggregation _aggregation = TovAggregation.Auto;

    /// <summary>
    /// φ averages epochs k ≥ SkipEpochs only: the earliest epochs of a fresh head mostly learn the label prior, and a
    /// target step then moves every row the same way. Left out of the manifest at 0, like <see cref="Aggregation"/>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int SkipEpochs { get; init; }

    /// <summary>
    /// Train on U in length-bucketed batches (little padding, so a faster fit) instead of uniformly shuffled ones;
    /// the batches' order is still shuffled per epoch. The default since 2026-12-01 (docs/tov-defaults.md: as good a
    /// selection on both public studies at 2.6× the fit throughput). The manifest writes it only while true, as before
    /// the change, and reads a manifest without it as false: runs fitted on shuffled batches keep their fingerprints.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool BucketedBatches { get => _bucketedBatches; init => _bucketedBatches = value; }

    private bool _bucketedBatches = true;

    // A manifest written before bucketed batches (or top-block LoRA, or the preconditioned validation step, or the
    // gated sum) were the default omits them when false (null, the mean); so a missing field reads as false (null: every
    // block; null: AdamW; the mean).
    void IJsonOnDeserializing.OnDeserializing()
    {
        _bucketedBatches = false;
        _loraLayers = null;
        _sizes = null;
        _validationStep = null;
        _aggregation = TovAggregation.Mean;
    }

    /// <summary>
    /// Choose ε and the transform F from the target alone (<see cref="TovAuto"/>, docs/tov-auto.md): fits on part of
    /// the target at ε/3, ε and 3ε, probes each (ε, F) by a short fine-tune on its top rows against the held-out part,
    /// then fits on the whole target at the winner. The manifest records the chosen ε and F and the probe table.
    /// Left out of the manifest while false.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Auto { get; init; }

    /// <summary>
    /// Choose between the mean and the summed φ from the target alone (<see cref="TovAutoAggregate"/>, docs/tov-auto.md,
    /// "The aggregation"): fits on part of the target, probes the top rows of each by a short fine-tune against the
    /// held-out part, then fits on the whole target and scores with the winner (<see cref="Aggregation"/> in the
    /// manifest is the choice). Left out of the manifest while false.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool AutoAggregate { get; init; }

    /// <summary>
    /// How <see cref="AutoAggregate"/> tries the two aggregations' rows: <see cref="TovAggregateProbe.Fit"/> (the
    /// default, a short LoRA continuation of the probe fit) or <see cref="TovAggregateProbe.Judge"/> (the subset the
    /// selection would deliver, fine-tuned by the judge's recipe from the base model). Left out of the manifest at the
    /// default, so runs made before it existed keep their fingerprints.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public TovAggregateProbe AggregateProbe { get; init; }

    /// <summary>
    /// How the validation pass steps (<see cref="TovValidationStep"/>): with the base trajectory's AdamW (its first moment
    /// still U's) or by the target's own Adam-preconditioned gradient (at its own length or AdamW's).
    /// <see cref="TovValidationStep.FamilyDefault"/> (the default since 2026-12-02) is resolved by the fit, before the
    /// run's fingerprint (<see cref="ResolveValidationStep"/>): matched for instruction tuning (since 2026-12-03), AdamW
    /// for NER. AdamW is recorded as null and left out of the manifest, so
    /// runs made before the setting existed keep their fingerprints and a manifest without it reads as AdamW.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TovValidationStep? ValidationStep { get => _validationStep; init => _validationStep = value; }

    private TovValidationStep? _validationStep = TovValidationStep.FamilyDefault;

    /// <summary>The trainer's step rule for the validation pass (after resolution; refused before it).</summary>
    [JsonIgnore]
    public StepRule ValidationStepRule => ValidationStep switch
    {
        null or TovValidationStep.Adam => StepRule.AdamW,
        TovValidationStep.Preconditioned => StepRule.Preconditioned,
        TovValidationStep.Matched => StepRule.PreconditionedAdamLength,
        _ => throw new ArgumentException("val_step is still the task's default: resolve it first (TovFitOptions.ResolveValidationStep)."),
    };

    /// <summary>
    /// <see cref="ValidationStep"/> made concrete for the task: <see cref="TovValidationStep.FamilyDefault"/> becomes
    /// matched for instruction tuning (since 2026-12-03; preconditioned on 2026-12-02) and AdamW (null) for NER; AdamW is always null, as manifests write it.
    /// </summary>
    public TovFitOptions ResolveValidationStep() => ValidationStep switch
    {
        TovValidationStep.FamilyDefault => this with { ValidationStep = Kind == TaskKind.Ner ? null : TovValidationStep.Matched },
        TovValidationStep.Adam => this with { ValidationStep = null },
        _ => this,
    };

    /// <summary>
    /// <see cref="Aggregation"/> made concrete where it can be before the fingerprint: <see cref="TovAggregation.Auto"/>
    /// becomes the mean where the fit will not measure the pool's kinship (<paramref name="measuresKinship"/> false:
    /// instruction tuning, auto's probe fits), as the scorer would resolve it; where it will, it stays auto and the scorer
    /// resolves it from the measured share.
    /// </summary>
    public TovFitOptions ResolveAggregation(bool measuresKinship) =>
        measuresKinship ? this : this with { Aggregation = TovScorer.ResolveAggregation(Aggregation, poolNearerShare: null) };

    /// <summary>
    /// Fraction of the target held out of the fit (drawn by <see cref="TovAuto.SplitTarget{T}"/> from the seed): what
    /// <see cref="Auto"/>'s probe fits use. 0 (the default) fits on the whole target; left out of the manifest at 0.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double TargetHoldout { get; init; }

    /// <summary>
    /// Fits whose φ are averaged into one score file (null: one, the paper's ToV). Fit i &gt; 0 is the same fit with seed
    /// <see cref="FitSeed"/>(i), so another U and adapter initialisation, kept in RUN/fits/i; a row gets the mean φ of
    /// the fits that scored it (a fit leaves its own U unscored), and U, from which Score+Random draws its share, is the
    /// first fit's. Why: φ of two fits of one pool ranked rows with Spearman 0.78–0.91 and shared only two thirds of
    /// their top rows. Measured with three fits (docs/tov-defaults.md, "An ensemble of fits"): no better than one on the
    /// public studies and 3.4% worse off-domain, at three times the cost, so one is the default. Left out of the
    /// manifest while one.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Fits { get; init; }

    /// <summary><see cref="Fits"/> as a count (1 when unset).</summary>
    [JsonIgnore]
    public int FitCount => Fits ?? 1;

    /// <summary>Seeds of an ensemble's fits lie this far apart, so the fits of study seeds 0, 1, … never share a seed.</summary>
    public const int FitSeedStride = 1000;

    /// <summary>The seed of fit <paramref name="fit"/> (0 = this run's own seed).</summary>
    public int FitSeed(int fit) => checked(Seed + FitSeedStride * fit);

    /// <summary>
    /// Which transformer blocks carry LoRA: null every block (the paper), N the top N. Blocks below the lowest adapter
    /// are the same in all 2L states, so scoring runs them once per batch instead of 2L times
    /// (<see cref="Evaluation.MultiStateTokenScorer"/>) and the fit's backward stops there too.
    /// <see cref="FamilyDefault"/> (0, the default since 2026-12-01) is resolved by the fit, before the run's
    /// fingerprint, from the model: the top third of the blocks (rounded up) for NER, every block for instruction
    /// tuning (docs/tov-defaults.md, "LoRA on the top blocks"). The manifest writes it only when not null, and reads a
    /// manifest without it as null: runs fitted with every block adapted keep their fingerprints.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int? LoraLayers { get => _loraLayers; init => _loraLayers = value; }

    private int? _loraLayers = FamilyDefault;

    /// <summary><see cref="LoraLayers"/>'s "decide from the task and the model" value.</summary>
    public const int FamilyDefault = 0;

    /// <summary>
    /// <see cref="LoraLayers"/> made concrete for the model: <see cref="FamilyDefault"/> becomes ⌈L/3⌉ of its
    /// <paramref name="layerCount"/> L blocks for NER (read only then) and null (every block) for instruction tuning,
    /// where adapting the top blocks alone was measured to select worse; any other value is kept.
    /// </summary>
    public TovFitOptions ResolveLoraLayers(Func<int> layerCount)
    {
        ArgumentNullException.ThrowIfNull(layerCount);
        if (LoraLayers != FamilyDefault) return this;
        if (Kind != TaskKind.Ner) return this with { LoraLayers = null };
        int layers = layerCount();
        if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layerCount), layers, "A model has at least one block.");
        return this with { LoraLayers = (layers + 2) / 3 };
    }

    public TovFitOptions Validate()
    {
        var errors = new List<string>();
        if (BaseSize is < 1) errors.Add($"BaseSize must be >= 1 (got {BaseSize}).");
        if (Epochs is < 1) errors.Add($"Epochs must be >= 1 (got {Epochs}).");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) errors.Add($"Epsilon must be positive and finite (got {Epsilon}).");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) errors.Add($"LearningRate must be positive and finite (got {LearningRate}).");
        if (BatchSize < 1) errors.Add($"BatchSize must be >= 1 (got {BatchSize}).");
        if (LoraRank < 1) errors.Add($"LoraRank must be >= 1 (got {LoraRank}).");
        if (!(LoraAlpha > 0)) errors.Add($"LoraAlpha must be positive (got {LoraAlpha}).");
        if (LoraDropout is < 0 or >= 1) errors.Add($"LoraDropout must be in [0, 1) (got {LoraDropout}).");
        if (LoraLayers is < 0) errors.Add($"LoraLayers must be >= 1, {FamilyDefault} (the task's default) or null (every block) (got {LoraLayers}).");
        if (ValidationPasses < 1) errors.Add($"ValidationPasses must be >= 1 (got {ValidationPasses}).");
        if (MaxLength < 8) errors.Add($"MaxLength must be >= 8 (got {MaxLength}).");
        if (SkipEpochs < 0) errors.Add($"SkipEpochs must be >= 0 (got {SkipEpochs}).");
        if (SkipEpochs > 0 && Epochs is { } l && SkipEpochs >= l) errors.Add($"SkipEpochs ({SkipEpochs}) must be below Epochs ({l}): at least one epoch must count.");
        if (TargetHoldout is < 0 or >= 1 || double.IsNaN(TargetHoldout)) errors.Add($"TargetHoldout must be in [0, 1) (got {TargetHoldout}).");
        if (Auto && TargetHoldout > 0) errors.Add("Auto chooses on its own held-out part of the target; it cannot be combined with TargetHoldout.");
        if (AutoAggregate && TargetHoldout > 0) errors.Add("AutoAggregate chooses on its own held-out part of the target; it cannot be combined with TargetHoldout.");
        if (AutoAggregate && Auto) errors.Add("AutoAggregate and Auto each hold out part of the target; use one at a time.");
        if (AggregateProbe != TovAggregateProbe.Fit && !AutoAggregate) errors.Add("AggregateProbe says how AutoAggregate probes; set AutoAggregate too.");
        if (Fits is < 1) errors.Add($"Fits must be >= 1 (got {Fits}).");
        if (Fits is > 1 && (long)Seed + (long)FitSeedStride * (Fits.Value - 1) > int.MaxValue)
            errors.Add($"Seed {Seed} is too large for {Fits} fits (fit i's seed is the seed + {FitSeedStride}·i).");
        if (errors.Count > 0) throw new ArgumentException("Invalid ToV options: " + string.Join(" ", errors));
        return this;
    }

    /// <summary>|U| for a pool of <paramref name="poolSize"/>: <see cref="BaseSize"/>, or by <see cref="Sizes"/>; within [1, |P|].</summary>
    public int ResolveBaseSize(int poolSize) => Sizes == TovSizes.Studies && BaseSize is null
        ? Math.Clamp(Math.Min(4096, Math.Min(poolSize / 4, Math.Max(StudiesMinBaseSize, poolSize / 8))), 1, Math.Max(1, poolSize))
        : LoraWarmup.ResolveBaseSize(BaseSize, poolSize);

    /// <summary>L for a base set of <paramref name="baseSize"/>: <see cref="Epochs"/>, or by <see cref="Sizes"/>.</summary>
    public int ResolveEpochs(int baseSize) => Sizes == TovSizes.Studies ? Epochs ?? StudiesEpochs : LoraWarmup.ResolveEpochs(Epochs, baseSize);

    /// <summary>
    /// These options as the run records them: <see cref="Sizes"/> left out (null) when both sizes are given, since it
    /// then decides nothing, and when it is the paper's rule, as manifests from before it existed read; one fit as no
    /// <see cref="Fits"/>, as before it existed.
    /// </summary>
    public TovFitOptions ForManifest() =>
        (BaseSize is not null && Epochs is not null || Sizes == TovSizes.Paper ? this with { Sizes = null } : this) with { Fits = FitCount == 1 ? null : Fits };
}
