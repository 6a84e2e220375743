using System.Diagnostics;
using System.Globalization;
using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Methods;
using Winnow.Methods.Common;
using Winnow.Torch.Methods.Common;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;
using static TorchSharp.torch;

namespace Winnow.Torch.Methods.Less;

/// <summary>
/// LESS (Xia et al. 2024, princeton-nlp/LESS; docs/methods.md, "LESS"). <b>Fit</b>: LoRA warm-up on a random 5% of the pool for
/// 4 epochs, a checkpoint (adapter + Adam moments) and η̄_i per epoch, then the target's plain per-example gradients
/// per checkpoint, projected and normalised, stored as fp16. <b>Score</b>: the pool's Adam-preconditioned per-example
/// gradients per checkpoint, projected, normalised, appended to the fp16 store chunk by chunk, and the influence
/// Inf(x) = max over subtasks of the mean over the subtask's targets z of Σ_i η̄_i·cos(Γ_i(x), g_i(z)).
/// A target's subtask is its <see cref="Example.Source"/>: a target given as several files is several subtasks.
/// LESS selects the global top n: run selection with ScoreOnly and one length bin. Warm-up examples are scored too
/// (LESS does); their rows are marked in_base.
/// </summary>
public sealed class LessMethod : ISelectionMethod
{
    public const string MethodName = "less";
    public const string FingerprintKey = "winnow.less.fingerprint";
    public const string PoolHashKey = "winnow.less.pool_hash";

    public string Name => MethodName;
    public bool NeedsModel => true;
    /// <summary>ScoreOnly; LESS takes the global top n, so run the selector with one length bin (bins = 1).</summary>
    public SelectionStrategy DefaultStrategy => SelectionStrategy.ScoreOnly;

    /// <summary>LESS selects the global top n by influence (no length binning).</summary>
    public int DefaultBins => 1;

    /// <summary>LESS's fingerprint recipe, named after its v1 manifest schema: run folders and score files already written carry fingerprints made with it.</summary>
    public const string FingerprintRecipe = "winnow.less-run.v1";

    /// <summary>As <see cref="LessRunLayout"/> lays them out.</summary>
    public IReadOnlyList<string> RunFiles => LessRunLayout.Files;

    public string ScoreFingerprintKey => FingerprintKey;
    public string ScorePoolHashKey => PoolHashKey;

    public MethodRun Fit(MethodFitRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = LessOptions.FromSettings(request.Settings, new LessOptions { Kind = request.Kind, Seed = request.Seed });
        RequirePaths(request);
        var clock = Stopwatch.StartNew();
        var folder = new LessRunLayout(request.RunDirectory);
        progress?.Report("hashing model, target and pool");
        var planned = RunPlans.ForOptions(FingerprintRecipe, MethodName, options.Kind, request.Model!, request.Target, request.Pool, request.LabelMap,
            LessRunState.OptionsJson(options), request.Fields?.ToString());
        if (folder.Folder.Claim(planned, request.Force, LessRunLayout.Files) is { Complete: true })
        {
            progress?.Report($"LESS run {folder.Root} is complete; reusing it");
            return new MethodRun(folder.Root, MethodName, Reused: true, clock.Elapsed.TotalSeconds, 0);
        }
        // An unfinished run restarts: the warm-up is short (5% of the pool) and a partial feature store is not worth trusting.
        folder.Folder.Clear(LessRunLayout.Files);
        Directory.CreateDirectory(folder.Root);

        var readOptions = ReadOptionsFor(options.Kind, request.LabelMap, planned.Fields);
        var target = DatasetReader.Read(request.Target, readOptions).ToList();
        if (target.Count == 0) throw new ArgumentException("The target has no examples.");
        var keys = DatasetReader.Read(request.Pool, readOptions).Select(e => PoolExamples.Key(e.Source, e.Id)).ToList();
        if (keys.Count == 0) throw new ArgumentException("The pool has no examples.");
        int poolSize = keys.Count;
        int warmupSize = options.ResolveWarmupSize(poolSize);
        var warmupSet = BaseSetSampler.Sample(keys, warmupSize, options.Seed);
        keys.Clear();
        var warmup = DatasetReader.Read(request.Pool, readOptions).Where(e => warmupSet.Contains(PoolExamples.Key(e.Source, e.Id))).ToList();
        folder.WriteKeys(folder.WarmupSetFile, warmup.Select(e => (e.Source, e.Id)).OrderBy(k => k.Source, StringComparer.Ordinal).ThenBy(k => k.Id, StringComparer.Ordinal));
        progress?.Report($"LESS warm-up on {warmup.Count} of {poolSize} pool examples for {options.Epochs} epochs; target {target.Count}");

        var labels = options.Kind == TaskKind.Ner ? TargetLabels.From(target, DatasetReader.Read(request.Pool, readOptions), request.LabelMap, progress) : null;
        labels?.Save(folder.LabelsFile);
        using var task = LoadTask(request.Model!, options, labels);
        var encodedWarmup = Usable(task.EncodeAll(warmup), "warm-up set", progress).Encoded;
        var targetSet = Usable(task.EncodeAll(target), "target", progress);

        var checkpoints = WarmUp(task, folder, options, encodedWarmup, progress, cancellationToken);
        var state = new LessRunState { PoolSize = poolSize, WarmupSize = warmup.Count, Checkpoints = checkpoints };
        folder.Folder.Write(planned with { State = RunManifest.Element(state, LessRunState.Json) });

        folder.WriteKeys(folder.TargetRowsFile, targetSet.Examples.Select(e => (e.Source, e.Id)));
        var gradients = new LessGradients(task.Model.Module, task.Model, task.Collator);
        var projector = ProjectorFor(options, gradients.ParameterCount);
        for (int i = 0; i < checkpoints.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Lora.LoadAdapter(task.Model, folder.Adapter(i));
            var features = Features(gradients, projector, targetSet.Encoded, moments: null, options, cancellationToken);
            File.Delete(folder.TargetFeatures(i));
            FeatureFile.Append(folder.TargetFeatures(i), features, options.ProjectionDim);
            progress?.Report($"checkpoint {i + 1}/{checkpoints.Count}: target gradient features {targetSet.Count}×{options.ProjectionDim}");
        }
        state = state with { TargetRows = targetSet.Count, GradientSize = gradients.ParameterCount };
        folder.Folder.Write(planned with { State = RunManifest.Element(state, LessRunState.Json), Complete = true });
        long bytes = FolderBytes(folder.Root);
        progress?.Report($"LESS fit done in {clock.Elapsed.TotalSeconds:F1}s; P = {gradients.ParameterCount}, {bytes} bytes in {folder.Root}");
        return new MethodRun(folder.Root, MethodName, Reused: false, clock.Elapsed.TotalSeconds, bytes);
    }

    public MethodScoreResult Score(MethodScoreRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.ChunkSize, 1, nameof(request.ChunkSize));
        var clock = Stopwatch.StartNew();
        var folder = new LessRunLayout(request.RunDirectory);
        var manifest = folder.Folder.ReadComplete(MethodName, "LESS");
        var options = manifest.OptionsAs<LessOptions>(LessRunState.Json);
        var state = manifest.StateAs<LessRunState>(LessRunState.Json);
        string poolHash = ContentHash.OfPaths(request.Pool);
        if (poolHash != manifest.PoolHash)
            throw new InvalidDataException($"The pool differs from the one the LESS run was fitted on ({string.Join(", ", manifest.Pool)}); pass the same pool.");
        var warmupSet = LessRunLayout.ReadKeys(folder.WarmupSetFile).Select(k => PoolExamples.Key(k.Source, k.Id)).ToHashSet(StringComparer.Ordinal);
        var labels = options.Kind == TaskKind.Ner ? LabelSet.Load(folder.LabelsFile) : null;
        var centroids = SubtaskCentroids(folder, options, state);
        progress?.Report($"LESS scoring against {centroids.Subtasks.Length} target subtask(s) over {state.Checkpoints.Count} checkpoints");

        using var task = LoadTask(manifest.Model ?? throw new InvalidDataException($"The LESS run in {folder.Root} names no model."), options, labels);
        // The same LoRA layout as the warm-up, so parameter names and order match the stored moments.
        Lora.Apply(task.Model, LoraOptionsOf(options));
        var gradients = new LessGradients(task.Model.Module, task.Model, task.Collator);
        if (gradients.ParameterCount != state.GradientSize)
            throw new InvalidDataException($"The model's trainable size is {gradients.ParameterCount}, the run's {state.GradientSize}: the model folder changed.");
        var checkpoints = LoadCheckpoints(task, gradients, folder, state.Checkpoints.Count);
        try
        {
            var scoring = new PoolScoring(task, gradients, ProjectorFor(options, gradients.ParameterCount), checkpoints, state.CheckpointWeights(),
                centroids, folder, options, warmupSet, request.Shard);
            var readOptions = ReadOptionsFor(options.Kind, manifest.LabelMap, manifest.Fields);
            var metadata = new Dictionary<string, string>
            {
                [FingerprintKey] = manifest.Fingerprint,
                [PoolHashKey] = poolHash,
                ["winnow.method"] = MethodName,
                ["winnow.less.checkpoints"] = state.Checkpoints.Count.ToString(CultureInfo.InvariantCulture),
                ["winnow.less.projection_dim"] = options.ProjectionDim.ToString(CultureInfo.InvariantCulture),
                ["winnow.less.subtasks"] = string.Join(",", centroids.Subtasks),
            };
            var result = ChunkedScoreWriter.Write(MethodScoring.Job(request, MethodName, manifest.Fingerprint, poolHash),
                DatasetReader.Read(request.Pool, readOptions), chunk => scoring.Chunk(chunk, progress, cancellationToken), metadata,
                scoring.Start, cancellationToken);
            int written = checked((int)result.Rows);
            long bytes = scoring.FeatureBytes + new FileInfo(request.OutputPath).Length;
            // Counted over the finished file, so a resumed run reports what a clean one does.
            progress?.Report($"LESS scored {result.Scored} of {written} pool examples ({result.InBase} in the warm-up set, scored too) in {clock.Elapsed.TotalSeconds:F1}s; {scoring.FeatureBytes} bytes of pool features");
            return new MethodScoreResult(request.OutputPath, written, checked((int)result.Scored), clock.Elapsed.TotalSeconds, bytes);
        }
        finally
        {
            foreach (var c in checkpoints) c.Dispose();
        }
    }

    /// <summary>LoRA warm-up with a checkpoint (adapter + optimizer state) and η̄_i at each epoch end.</summary>
    private static List<LessCheckpointRecord> WarmUp(
        TaskModel task, LessRunLayout folder, LessOptions options, IReadOnlyList<EncodedExample> examples,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        Lora.Apply(task.Model, LoraOptionsOf(options));
        var training = new TrainingOptions
        {
            LearningRate = options.LearningRate, BatchSize = options.BatchSize, Epochs = options.Epochs, Seed = options.Seed,
            WarmupFraction = options.WarmupStepsFraction, Beta1 = options.Beta1, Beta2 = options.Beta2, Epsilon = options.AdamEpsilon,
        };
        var source = Batching.ForTraining(examples, task.Collator, options.BatchSize, options.Seed);
        using var trainer = new Trainer(task.Model.Module, task.Model, training, training.TotalSteps(source.BatchesPerEpoch));
        var records = new List<LessCheckpointRecord>();
        int firstStep = 0;
        trainer.Fit(source, cancellationToken: cancellationToken, onEpochEnd: end =>
        {
            int lastStep = end.Trainer.State.GlobalStep;
            double eta = end.Trainer.Schedule.MeanRate(firstStep, lastStep); // η̄_i
            Lora.SaveAdapter(task.Model, folder.Adapter(end.Epoch));
            end.Trainer.SaveState(folder.TrainerState(end.Epoch));
            records.Add(new LessCheckpointRecord(end.Epoch, eta, end.Result.MeanLoss, lastStep - firstStep));
            progress?.Report($"warm-up epoch {end.Epoch + 1}/{options.Epochs}: loss {end.Result.MeanLoss:F4}, η̄ {eta:G3}");
            firstStep = lastStep;
        });
        return records;
    }

    /// <summary>
    /// Normalised projected gradient features, row-major [n × d]: plain gradients when <paramref name="moments"/> is null
    /// (target), Adam-preconditioned with the checkpoint's moments otherwise (pool). Gradients are projected
    /// <see cref="LessOptions.ProjectionBatch"/> at a time, so the projection blocks are generated once per batch.
    /// </summary>
    internal static float[] Features(
        LessGradients gradients, RademacherProjector projector, IReadOnlyList<EncodedExample> examples, (Tensor M, Tensor V)? moments,
        LessOptions options, CancellationToken cancellationToken)
    {
        int d = projector.Dimension;
        var result = new float[checked(examples.Count * d)];
        for (int start = 0; start < examples.Count; start += options.ProjectionBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(options.ProjectionBatch, examples.Count - start);
            using (NewDisposeScope())
            {
                var flat = new Tensor[count];
                for (int j = 0; j < count; j++) flat[j] = Gradient(gradients, examples[start + j], moments, options);
                var projected = projector.ProjectNormalized(stack(flat, 0)).contiguous();
                projected.data<float>().CopyTo(result, start * d);
            }
        }
        return result;
    }

    private static Tensor Gradient(LessGradients gradients, EncodedExample example, (Tensor M, Tensor V)? moments, LessOptions options)
    {
        using var scope = NewDisposeScope();
        var g = gradients.Flat(example);
        if (moments is { } mv) g = LessGradients.AdamPrecondition(g, mv.M, mv.V, options.Beta1, options.Beta2, options.AdamEpsilon, options.EpsilonInsideSqrt);
        return g.MoveToOuterDisposeScope();
    }

    /// <summary>Per checkpoint and subtask, the mean of the stored target features: mean_z cos(x, z) = ⟨x, mean_z z⟩ for unit rows.</summary>
    internal static SubtaskCentroids SubtaskCentroids(LessRunLayout folder, LessOptions options, LessRunState state)
    {
        int d = options.ProjectionDim;
        var rows = LessRunLayout.ReadKeys(folder.TargetRowsFile);
        var subtasks = rows.Select(r => r.Source).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = subtasks.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i, StringComparer.Ordinal);
        var counts = new int[subtasks.Length];
        foreach (var r in rows) counts[index[r.Source]]++;
        var perCheckpoint = new float[state.Checkpoints.Count][];
        for (int i = 0; i < perCheckpoint.Length; i++)
        {
            var features = FeatureFile.Read(folder.TargetFeatures(i), d, 0, rows.Count);
            var sums = new double[subtasks.Length * d];
            for (int r = 0; r < rows.Count; r++)
            {
                int s = index[rows[r].Source];
                for (int k = 0; k < d; k++) sums[s * d + k] += features[(long)r * d + k];
            }
            perCheckpoint[i] = sums.Select((v, j) => (float)(v / counts[j / d])).ToArray();
        }
        return new SubtaskCentroids(subtasks, perCheckpoint, d);
    }

    private static List<CheckpointState> LoadCheckpoints(TaskModel task, LessGradients gradients, LessRunLayout folder, int count)
    {
        var states = new List<CheckpointState>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                Lora.LoadAdapter(task.Model, folder.Adapter(i));
                var adapter = Lora.Snapshot(task.Model);
                var (m, v) = gradients.FlatMoments(OptimizerStateFile.Read(folder.OptimizerState(i)));
                states.Add(new CheckpointState(adapter, m, v));
            }
            return states;
        }
        catch
        {
            foreach (var s in states) s.Dispose();
            throw;
        }
    }

    private static TaskModel LoadTask(string model, LessOptions options, LabelSet? labels) =>
        TaskModel.Load(model, options.Kind, labels, new TaskModelOptions { MaxLength = options.MaxLength, Seed = options.Seed });

    internal static RademacherProjector ProjectorFor(LessOptions options, long parameterCount) =>
        new(parameterCount, options.ProjectionDim, options.ProjectionSeed, options.ProjectionBlockRows);

    public static LoraOptions LoraOptionsOf(LessOptions options) =>
        new() { Rank = options.LoraRank, Alpha = options.LoraAlpha, Dropout = options.LoraDropout, Seed = options.Seed };

    public static ReadOptions ReadOptionsFor(TaskKind kind, string? labelMap, string? fields = null) => RunReadOptions.For(kind, labelMap, fields);

    private static EncodedSet Usable(EncodedSet set, string what, IProgress<string>? progress)
    {
        if (set.Skipped.Count > 0)
            progress?.Report($"{what}: {set.Skipped.Count} examples cannot be encoded and are left out (first: {set.Skipped[0].Id}: {set.Skipped[0].Reason})");
        var keep = Enumerable.Range(0, set.Count).Where(i => set.Encoded[i].PredictedCount > 0).ToArray();
        if (keep.Length == 0) throw new ArgumentException($"No {what} example has a token to predict after encoding.");
        return set with { Encoded = keep.Select(i => set.Encoded[i]).ToArray(), Examples = keep.Select(i => set.Examples[i]).ToArray() };
    }

    private static long FolderBytes(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static void RequirePaths(MethodFitRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model)) throw new ArgumentException("LESS needs a model: give the model folder.");
        if (request.Target.Count == 0) throw new ArgumentException("Give at least one target file or folder.");
        if (request.Pool.Count == 0) throw new ArgumentException("Give at least one pool file or folder.");
        if (string.IsNullOrWhiteSpace(request.RunDirectory)) throw new ArgumentException("Give the run folder.");
    }
}
