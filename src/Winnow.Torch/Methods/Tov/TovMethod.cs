using Winnow.Core.Selection;
using Winnow.Methods;
using Winnow.Methods.Common;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// ToV behind the common contract: a thin adapter over <see cref="TovPipeline.Fit"/> and <see cref="TovPipeline.Score"/>.
/// Fit settings (<c>--set</c> keys): base_size, epochs, epsilon, lr, batch_size, lora_rank, lora_alpha, lora_dropout,
/// lora_layers (all | default | N: adapt the top N blocks only, the rest are scored once for all states; default: a
/// third for NER, all for instruction tuning, since 2026-12-01), variant (interleaved|parallel), validation_passes, transform (identity|abs|positive), max_length,
/// aggregate (mean|label_balanced|sum), skip_epochs, batches (bucketed|random; bucketed since 2026-12-01), auto_aggregate (true: choose the mean or the summed φ from the target, <see cref="TovAutoAggregate"/>), auto_aggregate_probe (fit|judge: how it tries them), val_step (default|adam|preconditioned|matched: how the validation pass steps; default: matched for instruction tuning since 2026-12-03, adam for NER; matched: preconditioned at AdamW's step length), auto (true: choose ε and the transform from the
/// target, <see cref="TovAuto"/>), target_holdout, sizes (studies|paper: how an unset base_size and epochs are chosen;
/// studies since 2026-12-02), fits (k: φ averaged over k fits of other seeds, <see cref="TovEnsemble"/>). Score settings: transform, aggregate, skip_epochs, allow_other_pool. The run's manifest keeps ToV's options and <see cref="TovRunState"/>.
/// </summary>
public sealed class TovMethod : ISelectionMethod
{
    public const string MethodName = "tov";

    public string Name => MethodName;
    public bool NeedsModel => true;
    public SelectionStrategy DefaultStrategy => SelectionStrategy.ScoreRandom;

    /// <summary>
    /// φ is a mean over a row's predicted tokens, so its bins cut on those (since 2026-12-01): on instruction rows the
    /// completion, whose length ranked φ with Spearman −0.8 to −0.9 while bins on all tokens read left it free
    /// (docs/tov-defaults.md, "Length bins on predicted tokens").
    /// </summary>
    public BinLength DefaultBinBy => SelectionBinLength;

    /// <summary>
    /// One bin for a summed φ (<see cref="TovAggregation.Sum"/>, opt-in): a row's length is part of what the sum
    /// measures, and inside equal-count length bins it would rank almost as the mean does (docs/tov-defaults.md,
    /// "Summed φ"); the paper's 10 bins otherwise.
    /// </summary>
    public int DefaultBinsFor(IReadOnlyDictionary<string, string> scoreFooter) => BinsFor(
        scoreFooter is not null && scoreFooter.TryGetValue(TovScorer.AggregationKey, out var name) ? ParseAggregation(name) : TovAggregation.Mean);

    /// <summary>The length bins ToV's selection takes a score file of <paramref name="aggregation"/> from.</summary>
    public static int BinsFor(TovAggregation aggregation) => aggregation == TovAggregation.Sum ? 1 : 10;

    /// <summary>
    /// A quarter of a Score+Random budget at random from U instead of the paper's half (since 2026-12-02): between the
    /// paper's split and Score-Only, it kept Score-Only's gain where the pool holds the target's domain and the split's
    /// safety where it holds none (docs/tov-defaults.md, "The Score+Random split").
    /// </summary>
    public double DefaultRandomShare => RandomShare;

    /// <summary>
    /// The bins weighted by the target's lengths where the fit found rows of the target's kind in the pool, equally
    /// elsewhere (since 2026-12-03): it kept target weighting's gain on the pools that hold the target's kind and the
    /// equal bins where the pool holds none (docs/tov-defaults.md, "Target-weighted bins where the pool holds the
    /// target's kind"). Only NER fits measure it; instruction fits record it as unmeasured, and their bins stay equal.
    /// </summary>
    public BinWeights DefaultBinWeights => BinWeights.Auto;

    /// <summary>
    /// Score+Random's random share filled by the target's nearest pool rows where the fit found rows of the target's kind
    /// in the pool, drawn from U elsewhere (since 2026-12-03, tenth session): on the pools that hold the target's kind
    /// the nearest rows beat U's (docs/tov-defaults.md, "The Score+Random share filled by the target's nearest pool
    /// rows"), and where the pool holds none the selection is the paper's draw. Instruction fits do not measure the
    /// kinship, so their share stays random.
    /// </summary>
    public ShareFill DefaultShareFill => ShareFill.Auto;

    /// <summary><see cref="DefaultRandomShare"/>, for what must draw as ToV's selection does (<see cref="TovAutoAggregate"/>'s judge probe).</summary>
    internal const double RandomShare = 0.25;

    /// <summary><see cref="DefaultBinBy"/>, for what must bin as ToV's selection does (<see cref="TovAuto"/>'s probe).</summary>
    internal const BinLength SelectionBinLength = BinLength.Predicted;

    /// <summary>How φ is made from a fit's Δ: a change to these rescoring the same fit.</summary>
    public IReadOnlySet<string> ScoreTimeSettings { get; } = new HashSet<string>(StringComparer.Ordinal) { "transform", "aggregate", "skip_epochs" };

    /// <summary>
    /// Length-bucketed fit batches became the default on 2026-12-01: they select as well as shuffled ones on both public
    /// studies at 2.6× the fit throughput (docs/tov-defaults.md).
    /// </summary>
    public IReadOnlyList<Core.Runs.DefaultChange> DefaultChanges { get; } =
    [
        new(MethodName, "batches", "random", "bucketed", "2026-12-01", "docs/tov-defaults.md, \"Bucketed fit batches\""),
        new(MethodName, "lora_layers", "all", "default (the top third of the blocks for NER)", "2026-12-01", "docs/tov-defaults.md, \"LoRA on the top blocks\""),
        new(MethodName, Winnow.Experiments.ExperimentConfig.BinBySetting, "tokens", "predicted", "2026-12-01", "docs/tov-defaults.md, \"Length bins on predicted tokens\""),
        new(MethodName, Winnow.Experiments.ExperimentConfig.RandomShareSetting, "0.5", "0.25", "2026-12-02", "docs/tov-defaults.md, \"The Score+Random split\""),
        new(MethodName, "lr", "0.0002", "0.001", "2026-12-02", "docs/tov-defaults.md, \"The fit's size and step\""),
        new(MethodName, "sizes", "paper", "studies", "2026-12-02", "docs/tov-defaults.md, \"The fit's size and step\"") { MootWhenPinned = ["base_size", "epochs"] },
        new(MethodName, "val_step", "adam", "default (preconditioned for instruction tuning)", "2026-12-02", "docs/tov-defaults.md, \"The validation step without U's momentum\"") { OnlyFor = Core.Data.TaskKind.Instruction },
        new(MethodName, "val_step", "preconditioned", "default (matched for instruction tuning)", "2026-12-03", "docs/tov-defaults.md, \"The validation step at AdamW's length\"") { OnlyFor = Core.Data.TaskKind.Instruction },
        new(MethodName, Winnow.Experiments.ExperimentConfig.BinWeightsSetting, "equal", "auto (target-weighted where the fit finds the target's kind in the pool)", "2026-12-03", "docs/tov-defaults.md, \"Target-weighted bins where the pool holds the target's kind\"") { OnlyFor = Core.Data.TaskKind.Ner },
        new(MethodName, Winnow.Experiments.ExperimentConfig.ShareFillSetting, "random", "auto (the target's nearest pool rows where the fit finds the target's kind in the pool)", "2026-12-03", "docs/tov-defaults.md, \"The Score+Random share filled by the target's nearest pool rows\"") { OnlyFor = Core.Data.TaskKind.Ner },
        new(MethodName, "aggregate", "mean", "auto (summed φ where the fit finds the target's kind in the pool)", "2026-12-03", "docs/tov-defaults.md, \"Summed φ where the pool holds the target's kind\"") { OnlyFor = Core.Data.TaskKind.Ner },
    ];

    /// <summary>As <see cref="TovRunLayout"/> lays them out (the scores a pipeline writes beside the run included).</summary>
    public IReadOnlyList<string> RunFiles => TovRunLayout.Files;

    public string ScoreFingerprintKey => TovScorer.FingerprintKey;
    public string ScorePoolHashKey => TovScorer.PoolHashKey;

    /// <summary>An interrupted fit continues from its finished epochs.</summary>
    public bool CanResume(string runDirectory) => new TovRunLayout(runDirectory).EpochComplete(0);

    public MethodRun Fit(MethodFitRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string model = MethodRequests.RequireModel(request, Name);
        var run = TovPipeline.Fit(new TovFitRequest(model, request.Target, request.Pool, request.RunDirectory)
        {
            Options = ParseFitOptions(request),
            LabelMap = request.LabelMap,
            Fields = request.Fields,
            Force = request.Force,
        }, progress, cancellationToken);
        return new MethodRun(run.RunDirectory, Name, run.Reused, run.Seconds, run.Reused ? 0 : Core.Runs.RunFolder.SizeOf(run.RunDirectory))
        {
            Resumed = !run.Reused && run.ResumedFromEpoch > 0,
        };
    }

    /// <summary>The settings as <see cref="TovFitOptions"/>, kind and seed from the request; unknown keys and bad values are refused.</summary>
    public static TovFitOptions ParseFitOptions(MethodFitRequest request)
    {
        var settings = new MethodSettings("tov", request.Settings);
        var d = new TovFitOptions();
        var options = new TovFitOptions
        {
            Kind = request.Kind,
            Seed = request.Seed,
            BaseSize = settings.Int("base_size"),
            Epochs = settings.Int("epochs"),
            Epsilon = settings.Double("epsilon", d.Epsilon)!.Value,
            LearningRate = settings.Double("lr", d.LearningRate)!.Value,
            BatchSize = settings.Int("batch_size", d.BatchSize)!.Value,
            LoraRank = settings.Int("lora_rank", d.LoraRank)!.Value,
            LoraAlpha = settings.Double("lora_alpha", d.LoraAlpha)!.Value,
            LoraDropout = settings.Double("lora_dropout", d.LoraDropout)!.Value,
            LoraLayers = settings.Text("lora_layers", ParseLoraLayers, d.LoraLayers),
            Variant = settings.Text("variant", ParseVariant, d.Variant),
            ValidationPasses = settings.Int("validation_passes", d.ValidationPasses)!.Value,
            Transform = settings.Text("transform", ScoreTransforms.Parse, d.Transform),
            MaxLength = settings.Int("max_length", d.MaxLength)!.Value,
            Aggregation = settings.Text("aggregate", ParseAggregation, d.Aggregation),
            SkipEpochs = settings.Int("skip_epochs", d.SkipEpochs)!.Value,
            BucketedBatches = settings.Text("batches", ParseBatches, d.BucketedBatches),
            Auto = settings.Bool("auto"),
            AutoAggregate = settings.Bool("auto_aggregate"),
            AggregateProbe = settings.Text("auto_aggregate_probe", ParseAggregateProbe, d.AggregateProbe),
            TargetHoldout = settings.Double("target_holdout", d.TargetHoldout)!.Value,
            Sizes = settings.Text("sizes", ParseSizes, d.Sizes),
            Fits = settings.Int("fits"),
            ValidationStep = settings.Text("val_step", ParseValidationStep, d.ValidationStep),
        };
        settings.RejectUnknown();
        return options.Validate();
    }

    /// <summary>val_step: default (the task's: matched for instruction tuning, adam for NER), adam (the base trajectory's AdamW), preconditioned (the target's gradient alone, Adam-preconditioned) or matched (that direction at the length of AdamW's step).</summary>
    public static TovValidationStep? ParseValidationStep(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "default" => TovValidationStep.FamilyDefault,
        "adam" => TovValidationStep.Adam,
        "preconditioned" => TovValidationStep.Preconditioned,
        "matched" => TovValidationStep.Matched,
        _ => throw new ArgumentException($"Unknown val_step '{name}': expected default, adam, preconditioned or matched."),
    };

    /// <summary>lora_layers: all (every block), default (the task's: a third for NER), or a number of top blocks ≥ 1.</summary>
    public static int? ParseLoraLayers(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "all" => null,
        "default" => TovFitOptions.FamilyDefault,
        var t when int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1 => n,
        _ => throw new ArgumentException($"Unknown lora_layers '{text}': expected all, default, or a number of top blocks >= 1."),
    };

    /// <summary>sizes: studies (the default: |U| = min(4096, |P|/4, max(200, |P|/8)), L = 4) or paper (|U| = min(4096, |P|/4), L = 16·1024/|U|).</summary>
    public static TovSizes? ParseSizes(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "studies" or "default" => TovSizes.Studies,
        "paper" => TovSizes.Paper,
        _ => throw new ArgumentException($"Unknown sizes '{name}': expected studies or paper."),
    };

    /// <summary>auto_aggregate_probe: fit (the default: a short LoRA continuation of the probe fit) or judge (the delivered subset, fine-tuned by the judge's recipe).</summary>
    public static TovAggregateProbe ParseAggregateProbe(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "fit" => TovAggregateProbe.Fit,
        "judge" => TovAggregateProbe.Judge,
        _ => throw new ArgumentException($"Unknown auto_aggregate_probe '{name}': expected fit or judge."),
    };

    public static bool ParseBatches(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "random" => false,
        "bucketed" => true,
        _ => throw new ArgumentException($"Unknown batches '{name}': expected random or bucketed."),
    };

    public static TovAggregation ParseAggregation(string? name) => name?.Trim().ToLowerInvariant().Replace('-', '_') switch
    {
        "mean" => TovAggregation.Mean,
        "label_balanced" or "balanced" => TovAggregation.LabelBalanced,
        "sum" => TovAggregation.Sum,
        "auto" => TovAggregation.Auto,
        _ => throw new ArgumentException($"Unknown aggregate '{name}': expected mean, sum, label_balanced or auto."),
    };

    public static TovVariant ParseVariant(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "interleaved" or "a" => TovVariant.Interleaved,
        "parallel" or "b" => TovVariant.Parallel,
        _ => throw new ArgumentException($"Unknown variant '{name}': expected interleaved or parallel."),
    };

    public MethodScoreResult Score(MethodScoreRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = new MethodSettings(Name, request.Settings);
        var transform = settings.Text<ScoreTransform?>("transform", s => ScoreTransforms.Parse(s));
        var aggregation = settings.Text<TovAggregation?>("aggregate", s => ParseAggregation(s));
        int? skipEpochs = settings.Int("skip_epochs");
        bool otherPool = settings.Bool("allow_other_pool");
        settings.RejectUnknown();
        var result = TovPipeline.Score(new TovScoreRequest(request.RunDirectory, request.Pool, request.OutputPath)
        {
            BatchSize = request.BatchSize,
            ChunkSize = request.ChunkSize,
            AllowOtherPool = otherPool,
            Transform = transform,
            Aggregation = aggregation,
            SkipEpochs = skipEpochs,
            Shard = request.Shard,
        }, progress, cancellationToken);
        return new MethodScoreResult(result.OutputPath, result.Rows, result.Scored, result.Seconds, new FileInfo(result.OutputPath).Length);
    }
}
