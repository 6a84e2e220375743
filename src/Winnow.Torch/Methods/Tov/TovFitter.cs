using System.Diagnostics;
using Winnow.Core.Data;
using Winnow.Core.Progress;
using Winnow.Core.Runs;
using Winnow.Core.Selection;
using Winnow.Methods.Common;
using Winnow.Torch.Methods.Common;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// ToV's training stage (docs/methods.md, "ToV"): draws the random base set U, trains L LoRA epochs on U, and after each
/// epoch k a validation pass over the target at ε·η_k, saving θ_bas^k and θ_val^k as adapter folders. Interleaved
/// continues from θ_val^k; parallel restores θ_bas^k's adapter and optimizer state (an in-memory snapshot) first.
/// </summary>
public static class TovFitter
{
    /// <summary>ToV's fingerprint recipe, named after its v1 manifest schema: run folders and score files already written carry fingerprints made with it.</summary>
    public const string FingerprintRecipe = "winnow.tov-run.v1";

    /// <summary>
    /// Fits the run, and with <see cref="TovFitOptions.Fits"/> k &gt; 1 its further fits into RUN/fits/1 … k−1 (each an
    /// ordinary run with seed <see cref="TovFitOptions.FitSeed"/>(i), resumable on its own), at the options fit 0 ended
    /// with (auto's choices included, so they are made once).
    /// </summary>
    public static TovRun Fit(TovFitRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        int fits = request.Options.Validate().FitCount;
        if (fits == 1) return FitOne(request, progress, cancellationToken);
        var clock = Stopwatch.StartNew();
        var first = FitOne(request, ProgressMessages.Prefixed(progress, $"fit 1/{fits}: "), cancellationToken);
        bool reused = first.Reused;
        for (int i = 1; i < fits; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var member = FitOne(request with
            {
                RunDirectory = first.Layout.FitDirectory(i),
                // aggregate=auto is fit 0's choice for every member: they do not measure the kinship themselves.
                Options = first.Options with
                {
                    Seed = first.Options.FitSeed(i), Fits = null, Auto = false, AutoAggregate = false, AggregateProbe = TovAggregateProbe.Fit,
                    Aggregation = TovScorer.ResolveAggregation(first.Options.Aggregation, first.State.PoolNearerShare),
                },
                // The ensemble's score file is the first fit's: its further members need no kinship test.
                MeasureKinship = false,
            }, ProgressMessages.Prefixed(progress, $"fit {i + 1}/{fits}: "), cancellationToken);
            reused &= member.Reused;
        }
        return first with { Reused = reused, Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>
    /// One fit into <see cref="TovFitRequest.RunDirectory"/> (the first of an ensemble's). An NER fit also measures
    /// whether the pool holds the target's kind (<see cref="MeasureKinship"/>) unless the request says not to.
    /// </summary>
    private static TovRun FitOne(TovFitRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var options = request.Options.Validate();
        RequirePaths(request);
        // The task's default LoRA blocks and validation step become concrete before the fingerprint, so a run records what
        // it did; so does aggregate=auto where the fit will not measure the pool's kinship (the mean).
        options = options.ResolveLoraLayers(() => LayerCountOf(request.Model)).ResolveValidationStep()
            .ResolveAggregation(request.MeasureKinship && options.Kind == TaskKind.Ner).ForManifest();
        var clock = Stopwatch.StartNew();
        var layout = new TovRunLayout(request.RunDirectory);
        progress?.Report("hashing model, target and pool");
        var planned = RunPlans.ForOptions(FingerprintRecipe, TovMethod.MethodName, options.Kind, request.Model, request.Target, request.Pool, request.LabelMap,
            TovRunState.OptionsJson(options), request.Fields?.ToString());

        // The run of the same inputs to reuse or continue, or null (nothing there, or cleared by force).
        var existing = layout.Folder.Claim(planned, request.Force, TovRunLayout.Files) is { } same ? TovRun.Of(layout.Root, same) : null;
        if (existing is { Manifest.Complete: true } && Enumerable.Range(0, existing.State.Epochs).All(layout.EpochComplete))
        {
            progress?.Report($"run {layout.Root} is complete; reusing it");
            return existing with { Reused = true, ResumedFromEpoch = existing.State.Epochs, Seconds = clock.Elapsed.TotalSeconds };
        }

        var readOptions = ReadOptionsFor(options.Kind, request.LabelMap, planned.Fields);
        var target = DatasetReader.Read(request.Target, readOptions).ToList();
        if (target.Count == 0) throw new ArgumentException("The target has no examples.");
        // The label set comes from the whole target, also when part of it is held out, so every run shares one head.
        var labels = options.Kind == TaskKind.Ner ? TargetLabels.From(target, DatasetReader.Read(request.Pool, readOptions), request.LabelMap, progress) : null;
        if (options.TargetHoldout > 0) target = TovAuto.SplitTarget(target, options.TargetHoldout, options.Seed).Fit;
        TovAutoChoice? choice = existing?.State.Auto;
        if (options.Auto)
        {
            choice ??= TovAuto.Choose(request, options, planned.Fingerprint, target, labels, progress, cancellationToken);
            options = options with { Epsilon = choice.Epsilon, Transform = choice.Transform };
        }
        TovAggregateChoice? aggregateChoice = existing?.State.AutoAggregate;
        if (options.AutoAggregate)
        {
            aggregateChoice ??= TovAutoAggregate.Choose(request, options, planned.Fingerprint, target, labels, progress, cancellationToken);
            options = options with { Aggregation = aggregateChoice.Aggregation };
        }
        double? nearerShare = existing?.State.PoolNearerShare;
        IReadOnlyList<long>? neighbours = existing?.State.TargetNeighbours;
        if (request.MeasureKinship && options.Kind == TaskKind.Ner && (nearerShare is null || neighbours is null))
            (nearerShare, neighbours) = MeasureKinship(request.Model, request.Pool, readOptions, target, options, progress, cancellationToken);
        var keys = DatasetReader.Read(request.Pool, readOptions).Select(e => PoolExamples.Key(e.Source, e.Id)).ToList();
        if (keys.Count < 2) throw new ArgumentException($"The pool has {keys.Count} examples; ToV needs at least 2.");
        int poolSize = keys.Count;
        int baseSize = options.ResolveBaseSize(poolSize);
        int epochs = options.ResolveEpochs(baseSize);
        if (options.SkipEpochs >= epochs)
            throw new ArgumentException($"skip_epochs {options.SkipEpochs} leaves none of the run's {epochs} epochs to average; use fewer or more epochs.");
        var baseSet = BaseSetSampler.Sample(keys, baseSize, options.Seed);
        keys.Clear();
        var baseExamples = DatasetReader.Read(request.Pool, readOptions).Where(e => baseSet.Contains(PoolExamples.Key(e.Source, e.Id))).ToList();
        progress?.Report($"pool {baseExamples.Count}/{baseSize} base examples drawn; target {target.Count}; {epochs} epochs ({options.Variant})");

        Directory.CreateDirectory(layout.Root);
        layout.WriteBaseSet(baseSet);
        labels?.Save(layout.LabelsFile);

        using var task = TaskModel.Load(request.Model, options.Kind, labels, new TaskModelOptions { MaxLength = options.MaxLength, Seed = options.Seed });
        var encodedBase = Encode(task, baseExamples, "base set", progress);
        var encodedTarget = Encode(task, target, "target", progress);
        Lora.Apply(task.Model, LoraOptionsOf(options, task.Model));

        // A continued run keeps its manifest (its created time, its epochs so far); the options are those chosen now.
        var manifest = (existing?.Manifest ?? planned) with { Complete = false };
        var state = (existing?.State ?? new TovRunState()) with
        {
            PoolSize = poolSize,
            TargetSize = target.Count,
            TargetLengths = encodedTarget.Select(e => e.Length).ToArray(),
            TargetPredicted = encodedTarget.Select(e => e.PredictedCount).ToArray(),
            PoolNearerShare = nearerShare,
            TargetNeighbours = neighbours,
            Auto = choice,
            AutoAggregate = aggregateChoice,
            BaseSize = baseSize,
            BaseSetHash = ContentHash.OfFile(layout.BaseSetFile),
            Epochs = epochs,
        };
        var result = Train(task, layout, new TovRun(layout.Root, manifest, options, state), encodedBase, encodedTarget, progress, cancellationToken);
        return result with { Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>
    /// Whether the pool holds rows of the target's kind (<see cref="PoolKinship"/>), and each target row's nearest pool
    /// rows: the target and the pool embedded by
    /// the base model as TSDS does (mean-pooled last hidden state, unit length), the pool streamed a chunk at a time, the
    /// target split by the fit's seed. One forward pass over the pool; NER only, where target-weighted bins were
    /// measured (docs/tov-defaults.md, "Target-weighted bins where the pool holds the target's kind").
    /// </summary>
    private static (double Share, IReadOnlyList<long> Neighbours) MeasureKinship(
        string model, IReadOnlyList<string> pool, ReadOptions readOptions, IReadOnlyList<Example> target, TovFitOptions options,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var embedder = new ModelEmbedder(model, options.MaxLength);
        var embedded = embedder.Embed(target, cancellationToken).Vectors;
        int dim = embedder.Dimension;
        var kinship = new PoolKinship(Enumerable.Range(0, target.Count).Select(i => embedded.AsSpan(i * dim, dim).ToArray()).ToArray(), TargetNeighbourCount);
        foreach (var chunk in DatasetReader.Read(pool, readOptions).Chunk(KinshipChunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            kinship.Add(embedder.Embed(chunk, cancellationToken).Vectors);
        }
        double share = kinship.NearerShare(options.Seed);
        progress?.Report(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"pool kinship: {share:0.00} of the target's rows have a pool row nearer than the other half of the target ({kinship.PoolRows} pool rows, {clock.Elapsed.TotalSeconds:0.0}s); "
            + $"{(PoolKinship.HoldsTargetKind(share) ? "the pool holds the target's kind" : "the pool does not hold the target's kind")}"));
        return (share, kinship.NearestRows());
    }

    private const int KinshipChunk = 2048;

    /// <summary>
    /// Nearest pool rows kept per target row for <c>bin_weights=neighbours</c>: 10 smooths one target row's length
    /// distribution over its neighbourhood (1 was simulated too; docs/tov-defaults.md, "Length bins weighted by the
    /// target's nearest pool rows").
    /// </summary>
    public const int TargetNeighbourCount = 10;

    private static TovRun Train(
        TaskModel task, TovRunLayout layout, TovRun run, IReadOnlyList<EncodedExample> encodedBase,
        IReadOnlyList<EncodedExample> encodedTarget, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var options = run.Options;
        var state = run.State;
        var model = task.Model;
        var training = new TrainingOptions { LearningRate = options.LearningRate, BatchSize = options.BatchSize, Epochs = state.Epochs, Seed = options.Seed };
        var baseBatches = options.BucketedBatches
            ? Batching.ForTraining(encodedBase, task.Collator, options.BatchSize, options.Seed)
            : BatchSource.FromExamples(encodedBase, options.BatchSize, b => task.Collator.Collate(b), options.Seed);
        var targetBatches = BatchSource.FromExamples(encodedTarget, options.BatchSize, b => task.Collator.Collate(b), options.Seed + 1);
        using var trainer = new Trainer(model.Module, model, training, training.TotalSteps(baseBatches.BatchesPerEpoch));

        var records = ResumableEpochs(layout, state);
        int start = records.Count;
        if (start > 0)
        {
            // The trainer state saved after epoch k is the one the next epoch starts from, with the adapter that variant continues from.
            Lora.LoadAdapter(model, options.Variant == TovVariant.Interleaved ? layout.ValAdapter(start - 1) : layout.BaseAdapter(start - 1));
            trainer.LoadState(layout.TrainerState(start - 1));
            progress?.Report($"resuming after epoch {start}");
        }
        state = state with { CompletedEpochs = records };
        Save(layout, run.Manifest, options, state, complete: false);

        for (int k = start; k < state.Epochs; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = RunEpoch(k, trainer, task, layout, options, baseBatches, targetBatches, cancellationToken);
            records.Add(record);
            state = state with { CompletedEpochs = records.ToArray() };
            Save(layout, run.Manifest, options, state, complete: false);
            // Resuming needs only the newest trainer state; older ones were half of a small run's disk.
            if (k > 0 && Directory.Exists(layout.TrainerState(k - 1))) Directory.Delete(layout.TrainerState(k - 1), recursive: true);
            progress?.Report($"epoch {k + 1}/{state.Epochs}: η={record.LearningRate:G3} base loss {record.BaseLoss:F4}, target loss {record.ValidationLoss:F4} ({record.Seconds:F1}s)");
        }
        var done = Save(layout, run.Manifest, options, state, complete: true);
        return new TovRun(layout.Root, done, options, state) { ResumedFromEpoch = start };
    }

    /// <summary>Hands ToV's options and state to the run folder, which writes the manifest.</summary>
    private static RunManifest Save(TovRunLayout layout, RunManifest manifest, TovFitOptions options, TovRunState state, bool complete)
    {
        var written = manifest with
        {
            Options = RunManifest.Element(options, TovRunState.Json), State = RunManifest.Element(state, TovRunState.Json), Complete = complete,
        };
        layout.Folder.Write(written);
        return written;
    }

    private static TovEpochRecord RunEpoch(
        int k, Trainer trainer, TaskModel task, TovRunLayout folder, TovFitOptions options,
        BatchSource baseBatches, BatchSource targetBatches, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var model = task.Model;
        int firstStep = trainer.State.GlobalStep;
        var baseResult = trainer.TrainEpoch(baseBatches.ForEpoch(k), cancellationToken: cancellationToken);
        double eta = trainer.Schedule.MeanRate(firstStep, trainer.State.GlobalStep); // η_k
        Lora.SaveAdapter(model, folder.BaseAdapter(k));

        // Parallel: the side branch must leave no trace, in the adapter or in Adam's moments.
        using var adapter = options.Variant == TovVariant.Parallel ? Lora.Snapshot(model) : null;
        var optimizer = options.Variant == TovVariant.Parallel ? trainer.Optimizer.ExportState() : null;

        // A fixed ε·η_k rather than ε × the next step's rate: after the last epoch the schedule is at zero.
        var side = new EpochSettings
        {
            FixedLearningRate = options.Epsilon * eta, AdvanceSchedule = false,
            Rule = options.ValidationStepRule,
        };
        double valLoss = 0;
        for (int pass = 0; pass < options.ValidationPasses; pass++)
            valLoss = trainer.TrainEpoch(targetBatches.ForEpoch(k * options.ValidationPasses + pass), side, cancellationToken: cancellationToken).MeanLoss;
        Lora.SaveAdapter(model, folder.ValAdapter(k));

        if (adapter is not null)
        {
            Lora.SetAdapter(model, adapter);
            trainer.Optimizer.ImportState(optimizer!);
        }
        trainer.SaveState(folder.TrainerState(k));
        return new TovEpochRecord(k, eta, options.Epsilon * eta, baseResult.MeanLoss, valLoss, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Recorded epochs whose files are all there, from 0 on; a resume starts after the last of them.</summary>
    private static List<TovEpochRecord> ResumableEpochs(TovRunLayout layout, TovRunState state)
    {
        var done = new List<TovEpochRecord>();
        foreach (var record in state.CompletedEpochs.OrderBy(r => r.Epoch))
        {
            if (record.Epoch != done.Count || !layout.EpochComplete(record.Epoch)) break;
            done.Add(record);
        }
        // Only the last finished epoch keeps its trainer state; without it, that epoch is run again.
        if (done.Count > 0 && !layout.HasTrainerState(done[^1].Epoch)) done.RemoveAt(done.Count - 1);
        return done;
    }

    /// <summary>How a run reads its data: the task kind, the label map file and the field mapping text, as its manifest records them.</summary>
    public static ReadOptions ReadOptionsFor(TaskKind kind, string? labelMap, string? fields = null) => RunReadOptions.For(kind, labelMap, fields);

    /// <summary>The number of transformer blocks of the model in <paramref name="modelDirectory"/>, from its config.json.</summary>
    public static int LayerCountOf(string modelDirectory)
    {
        if (!Directory.Exists(modelDirectory)) throw new DirectoryNotFoundException($"Model folder not found: {modelDirectory}");
        return ModelConfigs.Read(Path.Combine(modelDirectory, "config.json")).NumHiddenLayers;
    }

    /// <summary>The LoRA the fit applies to <paramref name="model"/>: every block, or the top <see cref="TovFitOptions.LoraLayers"/>.</summary>
    public static LoraOptions LoraOptionsOf(TovFitOptions options, IPretrainedModel model)
    {
        IReadOnlyList<int>? layers = null;
        if (options.LoraLayers == TovFitOptions.FamilyDefault)
            throw new ArgumentException("lora_layers is still the task's default: resolve it for the model first (TovFitOptions.ResolveLoraLayers).");
        if (options.LoraLayers is { } top)
        {
            if (model is not ILayeredTokenModel layered)
                throw new ArgumentException($"lora_layers needs a model made of numbered blocks; {model.GetType().Name} is not.");
            if (top > layered.LayerCount)
                throw new ArgumentException($"lora_layers {top} is more than the model's {layered.LayerCount} layers.");
            layers = LoraOptions.TopLayers(top, layered.LayerCount);
        }
        return new() { Rank = options.LoraRank, Alpha = options.LoraAlpha, Dropout = options.LoraDropout, Seed = options.Seed, LayersToTransform = layers };
    }

    private static IReadOnlyList<EncodedExample> Encode(TaskModel task, IReadOnlyList<Example> examples, string what, IProgress<string>? progress)
    {
        var set = task.EncodeAll(examples);
        if (set.Skipped.Count > 0)
            progress?.Report($"{what}: {set.Skipped.Count} examples cannot be encoded and are left out (first: {set.Skipped[0].Id}: {set.Skipped[0].Reason})");
        var usable = set.Encoded.Where(e => e.PredictedCount > 0).ToList();
        if (usable.Count == 0) throw new ArgumentException($"No {what} example has a token to predict after encoding.");
        return usable;
    }

    private static void RequirePaths(TovFitRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model)) throw new ArgumentException("Give the model folder.");
        if (request.Target.Count == 0) throw new ArgumentException("Give at least one target file or folder.");
        if (request.Pool.Count == 0) throw new ArgumentException("Give at least one pool file or folder.");
        if (string.IsNullOrWhiteSpace(request.RunDirectory)) throw new ArgumentException("Give the run folder.");
    }
}
