using System.Diagnostics;
using System.Globalization;
using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Methods;
using Winnow.Methods.Common;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Methods.Common;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;

namespace Winnow.Torch.Methods.Baselines;

/// <summary>
/// Max-uncertainty (docs/methods.md, "Uncertainty"): ψ(x) = (1/T) Σ_t log[p_t (1 − p_t)], p_t the probability of the correct token
/// under a warmed-up model; higher = more uncertain = selected.
/// <para>
/// The warm-up is ToV's first base epoch exactly: the same random base set U (<see cref="BaseSetSampler"/>, default
/// |U| = min(4096, |P|/4)), the same LoRA, learning rate, batch order and seed, and a schedule laid out over ToV's L
/// epochs of which only the first is run, so with equal settings the adapter equals ToV's θ_bas^0. U was trained on,
/// so its rows are marked in_base and not scored (as in ToV); Score+Random can still draw from them.
/// </para>
/// <para>
/// Default strategy: Score-Only with the shared length bins. ψ is a per-token mean like ToV's φ, so short examples
/// would otherwise win by variance alone, and ranking every method through the same binned top keeps the comparison
/// about the scores.
/// </para>
/// </summary>
public sealed class UncertaintyMethod : ISelectionMethod
{
    public const string AdapterDirectory = "adapter";
    public const string BaseSetFile = "base-set.txt";
    public const string LabelsFile = "labels.json";

    public string Name => "uncertainty";
    public bool NeedsModel => true;
    public SelectionStrategy DefaultStrategy => SelectionStrategy.ScoreOnly;
    public IReadOnlyList<string> RunFiles { get; } = [Core.Runs.RunFolder.ManifestFileName, AdapterDirectory, BaseSetFile, LabelsFile];

    public MethodRun Fit(MethodFitRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        MethodRequests.RequirePool(request);
        string model = MethodRequests.RequireModel(request, Name);
        if (request.Kind == TaskKind.Ner) MethodRequests.RequireTarget(request, Name + " (NER: the target defines the label set)");
        var options = ParseOptions(request);
        var planned = RunPlans.ForSettings(Name, request, Describe(options));
        var folder = new Core.Runs.RunFolder(request.RunDirectory);
        return MethodRun.Of(folder.Root, folder.FitOnce(planned, request.Force, RunFiles,
            () => WarmUp(model, request, options, folder, progress, cancellationToken), progress));
    }

    /// <summary>The warm-up it shares with ToV; keys as in <c>--set</c>.</summary>
    private LoraWarmup ParseOptions(MethodFitRequest request)
    {
        var settings = new MethodSettings(Name, request.Settings);
        var defaults = new LoraWarmup();
        var options = new LoraWarmup
        {
            Kind = request.Kind,
            Seed = request.Seed,
            BaseSize = settings.Int("base_size"),
            Epochs = settings.Int("schedule_epochs"),
            LearningRate = settings.Double("lr", defaults.LearningRate)!.Value,
            BatchSize = settings.Int("batch_size", defaults.BatchSize)!.Value,
            LoraRank = settings.Int("lora_rank", defaults.LoraRank)!.Value,
            LoraAlpha = settings.Double("lora_alpha", defaults.LoraAlpha)!.Value,
            LoraDropout = settings.Double("lora_dropout", defaults.LoraDropout)!.Value,
            MaxLength = settings.Int("max_length", defaults.MaxLength)!.Value,
        };
        settings.RejectUnknown();
        var problems = options.Problems();
        if (problems.Count > 0) throw new ArgumentException("Invalid uncertainty settings: " + string.Join(" ", problems));
        return options;
    }

    private static Dictionary<string, string> Describe(LoraWarmup o) => new()
    {
        ["base_size"] = o.BaseSize?.ToString(CultureInfo.InvariantCulture) ?? "auto",
        ["schedule_epochs"] = o.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "auto",
        ["lr"] = o.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["batch_size"] = o.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["lora_rank"] = o.LoraRank.ToString(CultureInfo.InvariantCulture),
        ["lora_alpha"] = o.LoraAlpha.ToString("R", CultureInfo.InvariantCulture),
        ["lora_dropout"] = o.LoraDropout.ToString("R", CultureInfo.InvariantCulture),
        ["max_length"] = o.MaxLength.ToString(CultureInfo.InvariantCulture),
    };

    private static long WarmUp(string modelPath, MethodFitRequest request, LoraWarmup options, Core.Runs.RunFolder folder, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var read = RunReadOptions.For(options.Kind, request.LabelMap, request.Fields?.ToString());
        var keys = DatasetReader.Read(request.Pool, read).Select(e => PoolExamples.Key(e.Source, e.Id)).ToList();
        if (keys.Count < 2) throw new ArgumentException($"The pool has {keys.Count} examples; uncertainty needs at least 2.");
        int baseSize = options.ResolveBaseSize(keys.Count);
        int scheduleEpochs = options.ResolveEpochs(baseSize);
        var baseSet = BaseSetSampler.Sample(keys, baseSize, options.Seed);
        var baseExamples = DatasetReader.Read(request.Pool, read).Where(e => baseSet.Contains(PoolExamples.Key(e.Source, e.Id))).ToList();
        KeyFile.WriteKeys(folder.File(BaseSetFile), baseSet);

        LabelSet? labels = null;
        if (options.Kind == TaskKind.Ner)
        {
            labels = TargetLabels.From(DatasetReader.Read(request.Target, read), DatasetReader.Read(request.Pool, read), request.LabelMap, progress);
            labels.Save(folder.File(LabelsFile));
        }

        using var task = TaskModel.Load(modelPath, options.Kind, labels, new TaskModelOptions { MaxLength = options.MaxLength, Seed = options.Seed });
        var encoded = task.EncodeAll(baseExamples).Encoded.Where(e => e.PredictedCount > 0).ToList();
        if (encoded.Count == 0) throw new ArgumentException("No base-set example has a token to predict after encoding.");
        Lora.Apply(task.Model, options.Lora);
        var training = new TrainingOptions { LearningRate = options.LearningRate, BatchSize = options.BatchSize, Epochs = scheduleEpochs, Seed = options.Seed };
        var batches = BatchSource.FromExamples(encoded, options.BatchSize, b => task.Collator.Collate(b), options.Seed);
        using var trainer = new Trainer(task.Model.Module, task.Model, training, training.TotalSteps(batches.BatchesPerEpoch));
        var result = trainer.TrainEpoch(batches.ForEpoch(0), cancellationToken: cancellationToken);
        Lora.SaveAdapter(task.Model, folder.File(AdapterDirectory));
        progress?.Report($"uncertainty: warm-up epoch on |U| = {encoded.Count} (schedule over {scheduleEpochs} epochs), loss {result.MeanLoss:F4}");
        return Core.Runs.RunFolder.SizeOf(folder.File(AdapterDirectory)) + Core.Runs.RunFolder.SizeOf(folder.File(BaseSetFile)) + Core.Runs.RunFolder.SizeOf(folder.File(LabelsFile));
    }

    public MethodScoreResult Score(MethodScoreRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.ChunkSize, 1, nameof(request.ChunkSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.BatchSize, 1, nameof(request.BatchSize));
        new MethodSettings(Name, request.Settings).RejectUnknown();
        var clock = Stopwatch.StartNew();
        var folder = new Core.Runs.RunFolder(request.RunDirectory);
        var manifest = folder.ReadComplete(Name);
        string poolHash = Core.Runs.RunFolder.CheckPool(manifest, request.Pool);
        var baseSet = KeyFile.ReadKeys(folder.File(BaseSetFile));
        var labels = manifest.Kind == TaskKind.Ner ? LabelSet.Load(folder.File(LabelsFile)) : null;
        int maxLength = int.Parse(RunPlans.SettingsOf(manifest)["max_length"], CultureInfo.InvariantCulture);

        using var task = TaskModel.Load(manifest.Model!, manifest.Kind, labels, new TaskModelOptions { MaxLength = maxLength, Seed = manifest.Seed.GetValueOrDefault() });
        Lora.LoadAdapter(task.Model, folder.File(AdapterDirectory));
        var evaluator = new Evaluator(task.Model.Module, task.Model);
        var bucketer = new LengthBucketer(new BucketingOptions { BatchSize = request.BatchSize, Shuffle = false });
        var pool = DatasetReader.Read(request.Pool, RunPlans.ReadOptionsFor(manifest));
        var result = ChunkedScoreWriter.Write(MethodScoring.Job(request, Name, manifest.Fingerprint, poolHash), pool,
            chunk => Chunk(task, evaluator, bucketer, chunk, baseSet, cancellationToken),
            RunPlans.ScoreMetadata(manifest, poolHash), cancellationToken: cancellationToken);
        int written = checked((int)result.Rows);
        progress?.Report($"uncertainty: scored {result.Scored} of {written} pool examples in {clock.Elapsed.TotalSeconds:F1}s");
        return new MethodScoreResult(request.OutputPath, written, checked((int)result.Scored), clock.Elapsed.TotalSeconds, new FileInfo(request.OutputPath).Length);
    }

    private static ScoreRow[] Chunk(
        TaskModel task, Evaluator evaluator, LengthBucketer bucketer, IReadOnlyList<PoolItem> chunk, HashSet<string> baseSet, CancellationToken cancellationToken)
    {
        var encoded = PoolExamples.Encode(task, chunk, baseSet);
        ScoreChunk(task, evaluator, bucketer, encoded.WithPredictions(skipTrainingSet: true), encoded.Rows, cancellationToken);
        return encoded.Rows;
    }

    private static void ScoreChunk(
        TaskModel task, Evaluator evaluator, LengthBucketer bucketer, List<(int Local, EncodedExample Encoded)> toScore, ScoreRow[] rows, CancellationToken cancellationToken)
    {
        if (toScore.Count == 0) return;
        var batches = bucketer.Batches(toScore.Select(s => s.Encoded.Length).ToArray());
        // Collated lazily, so each batch's tensors are made and freed inside the evaluator's per-batch scope (under no_grad).
        var indexed = batches.Select(b => new IndexedBatch(task.Collator.Collate(b.Select(i => toScore[i].Encoded).ToArray()), b));
        foreach (var batch in evaluator.StreamTokenLogProbs(indexed, cancellationToken: cancellationToken))
            foreach (var result in batch)
                rows[toScore[result.Index].Local].Score = Psi(result.LogProbs);
    }

    /// <summary>ψ = (1/T) Σ_t log[p_t (1 − p_t)] from the correct tokens' log-probabilities; NaN without tokens.</summary>
    public static double Psi(ReadOnlySpan<float> logProbs)
    {
        if (logProbs.Length == 0) return double.NaN;
        double sum = 0;
        foreach (var lp in logProbs) sum += LogPOneMinusP(lp);
        return sum / logProbs.Length;
    }

    /// <summary>
    /// log[p(1 − p)] = log p + log(1 − p) without forming 1 − p where it cancels: log(−expm1(log p)) near p = 1,
    /// log1p(−p) elsewhere. log p is clamped just below 0 so a float that rounded to p = 1 stays finite.
    /// </summary>
    public static double LogPOneMinusP(double logP)
    {
        double lp = Math.Min(logP, -1e-12);
        double log1mp = lp > -Math.Log(2) ? Math.Log(-ExpM1(lp)) : Math.Log(1 - Math.Exp(lp));
        return lp + log1mp;
    }

    /// <summary>exp(x) − 1 accurate for small |x| (.NET has no Math.Expm1).</summary>
    private static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1;
}
