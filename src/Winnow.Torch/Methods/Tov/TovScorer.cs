using System.Diagnostics;
using System.Globalization;
using Winnow.Core.Data;
using Winnow.Core.Progress;
using Winnow.Core.Runs;
using Winnow.Core.Scoring;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Tasks;

using Winnow.Torch.Methods.Common;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// ToV's scoring stage: forward passes only. Each batch of pool examples runs under 2L adapter states (θ_bas^k then
/// θ_val^k for each epoch); per example Δ_t = log p_val − log p_bas on the loss's predicted tokens gives φ_k for every
/// transform, averaged over epochs. The pool is streamed in chunks through <see cref="ChunkedScoreWriter"/> (shards, resumable part files).
/// </summary>
public static class TovScorer
{
    public const string FingerprintKey = "winnow.tov.fingerprint";
    public const string PoolHashKey = "winnow.tov.pool_hash";

    public static TovScoreResult Score(
        TovScoreRequest request, IProgress<string>? messages = null, IProgress<TovScoreProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.ChunkSize, 1, nameof(request.ChunkSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.BatchSize, 1, nameof(request.BatchSize));
        var fitted = TovRunModel.LoadComplete(request.RunDirectory);
        return fitted.Options.FitCount == 1
            ? ScoreOne(fitted, request, messages, progress, cancellationToken)
            : ScoreFits(fitted, request, messages, progress, cancellationToken);
    }

    /// <summary>
    /// A run of k fits (<see cref="TovFitOptions.Fits"/>): each fit scores the pool into a file of its own beside the
    /// output (resumable from its part files like any scoring), <see cref="TovEnsemble.Average"/> makes them one, written
    /// under a temporary name and then renamed, and the fits' files are removed.
    /// </summary>
    private static TovScoreResult ScoreFits(
        TovRun fitted, TovScoreRequest request, IProgress<string>? messages, IProgress<TovScoreProgress>? progress, CancellationToken cancellationToken)
    {
        if (request.Shard != Core.Sharding.Shard.Whole)
            throw new ArgumentException($"The run in {request.RunDirectory} averages {fitted.Options.FitCount} fits, which are scored whole: score it without --shard.");
        var clock = Stopwatch.StartNew();
        int fits = fitted.Options.FitCount;
        var paths = new List<string>(fits);
        var results = new List<TovScoreResult>(fits);
        // Every fit is scored as fit 0 resolves aggregate=auto: only fit 0 measured the pool's kinship.
        var requested = request.Aggregation ?? fitted.Options.Aggregation;
        var aggregation = ResolveAggregation(requested, fitted.State.PoolNearerShare);
        if (requested == TovAggregation.Auto) messages?.Report(AutoChose(aggregation, fitted.State.PoolNearerShare));
        for (int i = 0; i < fits; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = FitScoresPath(request.OutputPath, i);
            var run = i == 0 ? fitted : TovRunModel.LoadComplete(fitted.Layout.FitDirectory(i));
            results.Add(ScoreOne(run, request with { RunDirectory = run.RunDirectory, OutputPath = path, Aggregation = aggregation }, ProgressMessages.Prefixed(messages, $"fit {i + 1}/{fits}: "), progress, cancellationToken));
            paths.Add(path);
        }
        var rows = TovEnsemble.Average(paths.Select(ScoreFile.Read).ToList());
        var footer = new Dictionary<string, string>(ScoreFile.ReadMetadata(paths[0]))
        {
            [TovEnsemble.FitsKey] = fits.ToString(CultureInfo.InvariantCulture),
        };
        // The fits were scored with auto already resolved, so their footers do not say it was asked for.
        if (requested == TovAggregation.Auto) footer[AggregationRequestedKey] = AggregationName(requested);
        string temp = request.OutputPath + ".tmp";
        ScoreFile.Write(temp, rows, footer, cancellationToken);
        File.Move(temp, request.OutputPath, overwrite: true);
        foreach (var path in paths) File.Delete(path);
        int scored = rows.Count(r => !r.InBase && double.IsFinite(r.Score));
        messages?.Report($"φ averaged over {fits} fits: {scored} of {rows.Count} pool examples scored in {clock.Elapsed.TotalSeconds:F1}s");
        return new TovScoreResult(request.OutputPath, rows.Count, scored, results[0].InBase, results[0].NotEncodable, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Where fit <paramref name="fit"/> of an ensemble writes its own scores: beside the output, named after it.</summary>
    internal static string FitScoresPath(string outputPath, int fit)
    {
        string name = Path.GetFileNameWithoutExtension(outputPath), extension = Path.GetExtension(outputPath);
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outputPath))!, string.Create(CultureInfo.InvariantCulture, $"{name}.fit{fit}{extension}"));
    }

    private static TovScoreResult ScoreOne(
        TovRun fitted, TovScoreRequest request, IProgress<string>? messages, IProgress<TovScoreProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var manifest = fitted.Manifest;
        int epochs = fitted.State.Epochs;
        string poolHash = CheckPool(manifest, request, messages);
        var transform = request.Transform ?? fitted.Options.Transform;
        var requested = request.Aggregation ?? fitted.Options.Aggregation;
        var phi = new PhiSettings(
            ResolveAggregation(requested, fitted.State.PoolNearerShare),
            request.SkipEpochs ?? fitted.Options.SkipEpochs);
        if (requested == TovAggregation.Auto) messages?.Report(AutoChose(phi.Aggregation, fitted.State.PoolNearerShare));
        phi.Check(epochs);
        var baseSet = fitted.Layout.ReadBaseSet();

        using var run = TovRunModel.Load(fitted);
        var task = run.Task;
        var counts = new Counts();
        var bucketer = new LengthBucketer(new BucketingOptions { BatchSize = request.BatchSize, Shuffle = false });
        var metadata = new Dictionary<string, string>
        {
            [FingerprintKey] = manifest.Fingerprint,
            [PoolHashKey] = poolHash,
            ["winnow.method"] = "tov",
            [TransformKey] = transform.ToString().ToLowerInvariant(),
            ["winnow.tov.epochs"] = epochs.ToString(CultureInfo.InvariantCulture),
            [AggregationKey] = AggregationName(phi.Aggregation),
            [SkipEpochsKey] = phi.SkipEpochs.ToString(CultureInfo.InvariantCulture),
        };
        // What was asked, beside what was used, where they can differ: "auto" resolves per run.
        if (requested == TovAggregation.Auto) metadata[AggregationRequestedKey] = AggregationName(requested);
        if (fitted.State.TargetLengths is { Count: > 0 } lengths && fitted.State.TargetPredicted is { Count: > 0 } predicted)
        {
            metadata[ScoreFile.TargetLengthsKey] = ScoreFile.FormatLengths(lengths);
            metadata[ScoreFile.TargetPredictedKey] = ScoreFile.FormatLengths(predicted);
        }
        if (fitted.State.PoolNearerShare is { } share)
            metadata[ScoreFile.PoolNearerShareKey] = share.ToString("R", CultureInfo.InvariantCulture);
        else if (fitted.Options.Kind == TaskKind.Instruction)
            metadata[ScoreFile.PoolNearerShareKey] = ScoreFile.PoolKinshipUnmeasured;
        if (fitted.State.TargetNeighbours is { Count: > 0 } neighbours)
            metadata[ScoreFile.TargetNeighboursKey] = ScoreFile.FormatRows(neighbours);
        var classes = run.ClassesFor(phi.Aggregation);
        var job = ScoreJob.Of(request.OutputPath, "tov", manifest.Fingerprint, poolHash, request.Shard, request.ChunkSize,
            string.Create(CultureInfo.InvariantCulture, $"batch_size={request.BatchSize};transform={metadata[TransformKey]}")
            + PhiJobSuffix(phi));
        var result = ChunkedScoreWriter.Write(job, DatasetReader.Read(request.Pool, run.ReadOptions), chunk =>
        {
            var rows = Chunk(task, run.Scorer, bucketer, chunk, baseSet, epochs, transform, phi, classes, counts, cancellationToken);
            progress?.Report(new TovScoreProgress(counts.Rows, counts.Scored, counts.Rows / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
            return rows;
        }, metadata, cancellationToken: cancellationToken);
        int written = checked((int)result.Rows);
        string resumed = result.ResumedChunks > 0 ? $"; {result.ResumedChunks} of {result.Chunks} chunks resumed from an interrupted run" : "";
        // Counted over the finished file: a resumed run's computed chunks alone would miss the resumed ones.
        int inBase = checked((int)result.InBase), notEncodable = checked((int)result.NotEncodable);
        messages?.Report($"scored {result.Scored} of {written} pool examples ({inBase} in U, {notEncodable} not encodable{resumed}) in {clock.Elapsed.TotalSeconds:F1}s");
        return new TovScoreResult(request.OutputPath, written, checked((int)result.Scored), inBase, notEncodable, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Whether <paramref name="scoresPath"/> was written by this run for this pool (so a pipeline can reuse it).</summary>
    public static bool IsCurrent(string scoresPath, RunManifest manifest, string poolHash)
    {
        if (!File.Exists(scoresPath)) return false;
        try
        {
            var metadata = ScoreFile.ReadMetadata(scoresPath);
            return metadata.TryGetValue(FingerprintKey, out var f) && f == manifest.Fingerprint
                   && metadata.TryGetValue(PoolHashKey, out var p) && p == poolHash;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or Parquet.ParquetException)
        {
            return false;
        }
    }

    /// <summary>How per-token changes become φ: the aggregation and the leading epochs left out.</summary>
    internal sealed record PhiSettings(TovAggregation Aggregation, int SkipEpochs)
    {
        public static PhiSettings Default { get; } = new(TovAggregation.Mean, 0);

        /// <summary>Refuses a skip_epochs that leaves no epoch of the run to average.</summary>
        public void Check(int epochs)
        {
            if (SkipEpochs < 0) throw new ArgumentException($"skip_epochs must be >= 0 (got {SkipEpochs}).");
            if (SkipEpochs >= epochs)
                throw new ArgumentException($"skip_epochs {SkipEpochs} leaves none of the run's {epochs} epochs to average.");
        }
    }

    /// <summary>Score-file footer keys recording how φ was computed (what <see cref="TovExplainer"/> reads back).</summary>
    public const string TransformKey = "winnow.tov.transform";
    public const string AggregationKey = "winnow.tov.aggregation";
    public const string SkipEpochsKey = "winnow.tov.skip_epochs";

    /// <summary>Footer key with the aggregation asked for (<see cref="AggregationName"/>); <see cref="AggregationKey"/> has the one used.</summary>
    public const string AggregationRequestedKey = "winnow.tov.aggregation_requested";

    /// <summary>The footer's name for an aggregation (mean, label_balanced, sum, auto).</summary>
    public static string AggregationName(TovAggregation aggregation) => aggregation switch
    {
        TovAggregation.LabelBalanced => "label_balanced",
        TovAggregation.Sum => "sum",
        TovAggregation.Auto => "auto",
        _ => "mean",
    };

    /// <summary>
    /// The aggregation a run is scored with: <see cref="TovAggregation.Auto"/> becomes the sum where the fit's
    /// pool-kinship share (<paramref name="poolNearerShare"/>) says the pool holds the target's kind, the mean below and
    /// where the fit did not measure it (null); every other aggregation is itself.
    /// </summary>
    public static TovAggregation ResolveAggregation(TovAggregation requested, double? poolNearerShare) =>
        requested != TovAggregation.Auto ? requested
        : poolNearerShare is { } share && Core.Selection.PoolKinship.HoldsTargetKind(share) ? TovAggregation.Sum
        : TovAggregation.Mean;

    /// <summary>The progress line saying what aggregate=auto resolved to and why (one run, or an ensemble's fit 0).</summary>
    private static string AutoChose(TovAggregation used, double? poolNearerShare) =>
        $"aggregate=auto: {AggregationName(used)} ({Core.Selection.PoolKinship.Describe(poolNearerShare)})";

    // Part of the score job's identity only when not the default, so part files of earlier runs still resume.
    private static string PhiJobSuffix(PhiSettings phi) =>
        phi == PhiSettings.Default ? "" : string.Create(CultureInfo.InvariantCulture, $";aggregation={phi.Aggregation};skip_epochs={phi.SkipEpochs}");

    private sealed class Counts
    {
        public int Rows, Scored, InBase, NotEncodable;
    }

    private static string CheckPool(RunManifest manifest, TovScoreRequest request, IProgress<string>? messages)
    {
        string hash = ContentHash.OfPaths(request.Pool);
        if (hash == manifest.PoolHash) return hash;
        string message = $"the pool differs from the one the run was fitted on ({string.Join(", ", manifest.Pool)})";
        if (!request.AllowOtherPool) throw new InvalidDataException(message + "; pass the same pool, or allow another pool explicitly.");
        messages?.Report("warning: " + message + "; U is the fitted pool's base set.");
        return hash;
    }

    private static ScoreRow[] Chunk(
        TaskModel task, MultiStateTokenScorer scorer, LengthBucketer bucketer, IReadOnlyList<PoolItem> chunk, HashSet<string> baseSet, int epochs,
        ScoreTransform transform, PhiSettings phi, int[]? classes, Counts counts, CancellationToken cancellationToken)
    {
        var encoded = PoolExamples.Encode(task, chunk, baseSet);
        var rows = encoded.Rows;
        counts.NotEncodable += encoded.Encoded.Count(e => e is null);
        counts.InBase += Enumerable.Range(0, rows.Length).Count(i => encoded.Encoded[i] is not null && rows[i].InBase);
        var toScore = encoded.WithPredictions(skipTrainingSet: true);
        ScoreChunk(task, scorer, bucketer, toScore, rows, epochs, transform, phi, classes, cancellationToken);
        counts.Rows += chunk.Count;
        counts.Scored += toScore.Count;
        return rows;
    }

    private static void ScoreChunk(
        TaskModel task, MultiStateTokenScorer scorer, LengthBucketer bucketer, List<(int Local, EncodedExample Encoded)> toScore,
        ScoreRow[] rows, int epochs, ScoreTransform transform, PhiSettings phi, int[]? classes, CancellationToken cancellationToken)
    {
        if (toScore.Count == 0) return;
        var batches = bucketer.Batches(toScore.Select(s => s.Encoded.Length).ToArray());
        // Collated lazily, so each batch's tensors are made and freed inside the scorer's per-batch scope.
        var indexed = batches.Select(b => new IndexedBatch(task.Collator.Collate(b.Select(i => toScore[i].Encoded).ToArray()), b));
        foreach (var batch in scorer.Score(indexed, cancellationToken: cancellationToken))
        {
            foreach (var result in batch)
            {
                var encoded = toScore[result.Index].Encoded;
                Fill(rows[toScore[result.Index].Local], result.PerState, epochs, transform, phi, classes is null ? null : TovRunModel.ClassesOf(encoded, classes));
            }
        }
    }

    /// <summary>φ per transform, mean over epochs of φ_k from (θ_bas^k, θ_val^k) = states (2k, 2k+1).</summary>
    internal static void Fill(ScoreRow row, IReadOnlyList<float[]> perState, int epochs, ScoreTransform transform) =>
        Fill(row, perState, epochs, transform, PhiSettings.Default, null);

    /// <summary>
    /// As above, over epochs k ≥ <see cref="PhiSettings.SkipEpochs"/>, each φ_k aggregated per <paramref name="phi"/>
    /// (<paramref name="tokenClasses"/>: the gold class of each predicted token, for label-balanced φ). The per-epoch
    /// column keeps every epoch, so what was left out stays visible.
    /// </summary>
    internal static void Fill(ScoreRow row, IReadOnlyList<float[]> perState, int epochs, ScoreTransform transform, PhiSettings phi, int[]? tokenClasses) =>
        FillFromDeltas(row, DeltasPerEpoch(perState, epochs), transform, phi, tokenClasses);

    /// <summary>Δ_t per epoch k from (θ_bas^k, θ_val^k) = states (2k, 2k+1).</summary>
    internal static double[][] DeltasPerEpoch(IReadOnlyList<float[]> perState, int epochs)
    {
        if (perState.Count != 2 * epochs) throw new ArgumentException($"{perState.Count} model states for {epochs} epochs; expected {2 * epochs}.");
        var deltas = new double[epochs][];
        for (int k = 0; k < epochs; k++) deltas[k] = ScoreTransforms.Deltas(perState[2 * k], perState[2 * k + 1]);
        return deltas;
    }

    /// <summary>
    /// φ of one example from its per-token changes, one array per epoch (<paramref name="deltas"/>[k][t]): what
    /// <see cref="Fill(ScoreRow, IReadOnlyList{float[]}, int, ScoreTransform, PhiSettings, int[])"/> computes from
    /// log-probabilities, so an explanation's Δ give back the score file's φ.
    /// </summary>
    internal static void FillFromDeltas(ScoreRow row, IReadOnlyList<double[]> deltas, ScoreTransform transform, PhiSettings phi, int[]? tokenClasses)
    {
        int epochs = deltas.Count;
        var sums = new double[ScoreTransforms.All.Length];
        var perEpoch = new List<double>(epochs);
        for (int k = 0; k < epochs; k++)
        {
            var values = ScoreTransforms.PhiOfDeltas(deltas[k], tokenClasses, phi.Aggregation == TovAggregation.Sum);
            perEpoch.Add(values[0]);
            if (k < phi.SkipEpochs) continue;
            for (int t = 0; t < sums.Length; t++) sums[t] += values[t];
        }
        int counted = epochs - phi.SkipEpochs;
        row.PhiIdentity = sums[0] / counted;
        row.PhiAbs = sums[1] / counted;
        row.PhiPositive = sums[2] / counted;
        row.PhiIdentityEpochs = perEpoch;
        row.Score = transform switch
        {
            ScoreTransform.Identity => row.PhiIdentity,
            ScoreTransform.Abs => row.PhiAbs,
            _ => row.PhiPositive,
        };
    }
}
