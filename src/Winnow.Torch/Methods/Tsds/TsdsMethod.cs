using Winnow.Torch.Methods.Common;
using System.Diagnostics;
using System.Globalization;
using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Methods;
using Winnow.Methods.Common;

namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// TSDS (Liu et al. 2024) as a selection method. <b>Fit</b> embeds the target (the base model's mean-pooled last
/// hidden state, or hashed n-grams with <c>embedder=hashed</c>) into RUN/target.emb. <b>Score</b> embeds the pool in
/// chunks into RUN/pool.emb, then computes p over the pool (exact blocked kNN, kernel densities, the α/C neighbourhood
/// rule; see <see cref="TsdsAllocator"/>) and writes score = p(x) (0 for rows receiving no mass). The scores are a
/// distribution to sample from, hence <see cref="SelectionStrategy.Sample"/>.
/// Memory at score time: the pool's embeddings as N × d fp32 (twice, briefly, while handed to TorchSharp), the ids of
/// every pool row, and m × min(max_neighbours, N) neighbour entries.
/// </summary>
public sealed class TsdsMethod : ISelectionMethod
{
    public const string FingerprintKey = "winnow.tsds.fingerprint";
    public const string PoolHashKey = "winnow.tsds.pool_hash";
    private const int EmbedChunk = 2048;

    public const string MethodName = "tsds";

    public string Name => MethodName;

    public bool NeedsModel => true;

    public SelectionStrategy DefaultStrategy => SelectionStrategy.Sample;

    /// <summary>p is computed over the whole pool at once (KDE and the neighbourhood rule).</summary>
    public bool Shardable => false;

    /// <summary>As <see cref="TsdsRunLayout"/> lays them out.</summary>
    public IReadOnlyList<string> RunFiles => TsdsRunLayout.Files;

    public string ScoreFingerprintKey => FingerprintKey;
    public string ScorePoolHashKey => PoolHashKey;

    public MethodRun Fit(MethodFitRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var options = TsdsOptions.FromSettings(request.Settings, request.Seed);
        if (options.Embedder == TsdsEmbedderKind.Model && request.Model is null)
            throw new ArgumentException("TSDS embeds with the base model by default: pass a model, or set embedder=hashed.");
        var folder = new TsdsRunLayout(request.RunDirectory);
        var manifest = NewManifest(request, options);
        if (folder.Folder.Claim(manifest, request.Force, TsdsRunLayout.Files) is { Complete: true } && File.Exists(folder.TargetEmbeddings))
        {
            progress?.Report($"tsds: reusing the target embeddings in {folder.Root}");
            return new MethodRun(folder.Root, Name, true, clock.Elapsed.TotalSeconds, 0);
        }

        Directory.CreateDirectory(folder.Root);
        folder.Folder.Clear(TsdsRunLayout.Files);
        var readOptions = RunPlans.ReadOptionsFor(manifest);
        using var embedder = CreateEmbedder(manifest.Model, options);
        progress?.Report($"tsds: embedding the target with {embedder.Description}");
        using var writer = new EmbeddingFileWriter(folder.TargetEmbeddings, embedder.Dimension, options.Half);
        foreach (var chunk in DatasetReader.Read(request.Target, readOptions).Chunk(EmbedChunk))
            writer.Append(embedder.Embed(chunk, cancellationToken).Vectors);
        int targetSize = checked((int)writer.Rows);
        if (targetSize == 0) throw new ArgumentException("The target has no examples.");
        long bytes = writer.Complete();
        var state = new TsdsRunState { Embedder = embedder.Description, Dimension = embedder.Dimension, TargetSize = targetSize, TargetEmbeddingBytes = bytes };
        folder.Folder.Write(manifest with { State = RunManifest.Element(state, TsdsRunState.Json), Complete = true });
        progress?.Report($"tsds: {targetSize} target embeddings ({bytes:N0} bytes, {(options.Half ? "fp16" : "fp32")}) in {clock.Elapsed.TotalSeconds:F1}s");
        return new MethodRun(folder.Root, Name, false, clock.Elapsed.TotalSeconds, bytes + new FileInfo(folder.Folder.ManifestPath).Length);
    }

    public MethodScoreResult Score(MethodScoreRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.ChunkSize, 1, nameof(request.ChunkSize));
        // Each probability depends on every pool row (KDE density and the transport), so a shard's scores would differ
        // from the whole pool's; sharding only the embedding stage would still leave one whole-pool job.
        MethodScoring.RefuseShard(request, Name, "its probabilities depend on the whole pool (KDE and optimal transport)");
        var clock = Stopwatch.StartNew();
        var folder = new TsdsRunLayout(request.RunDirectory);
        var manifest = folder.Folder.ReadComplete(Name, "TSDS", _ => File.Exists(folder.TargetEmbeddings));
        var state = manifest.StateAs<TsdsRunState>(TsdsRunState.Json);
        string poolHash = ContentHash.OfPaths(request.Pool);
        if (poolHash != manifest.PoolHash)
            throw new InvalidDataException($"The pool differs from the one the TSDS run was fitted on ({string.Join(", ", manifest.Pool)}); fit again for this pool.");
        var options = manifest.OptionsAs<TsdsOptions>(TsdsRunState.Json) with { BatchSize = request.BatchSize };

        var (keys, poolBytes) = EmbedPool(folder, manifest, state, options, request, progress, cancellationToken);
        var (target, _, targetDim) = EmbeddingFileWriter.ReadAll(folder.TargetEmbeddings);
        var result = ComputeFromFile(folder, target, targetDim, options, progress, cancellationToken);

        var rows = keys.Select((key, i) => new ScoreRow
        {
            Row = i, Id = key.Id, Source = key.Source, Length = key.Length, Score = result.Probabilities[i],
        });
        int written = checked((int)ScoreFile.Write(request.OutputPath, rows, Metadata(manifest, state, options, poolHash, result, poolBytes), cancellationToken));
        long scoreBytes = new FileInfo(request.OutputPath).Length;
        progress?.Report($"tsds: scored {written} pool rows, {result.Allocation.Support} with mass, pool embeddings {poolBytes:N0} bytes, {clock.Elapsed.TotalSeconds:F1}s");
        return new MethodScoreResult(request.OutputPath, written, written, clock.Elapsed.TotalSeconds, scoreBytes + poolBytes);
    }

    private sealed record PoolKey(string Id, string Source, int Length);

    /// <summary>Streams the pool through the embedder chunk by chunk into RUN/pool.emb; keeps only each row's key.</summary>
    private static (List<PoolKey> Keys, long Bytes) EmbedPool(
        TsdsRunLayout folder, RunManifest manifest, TsdsRunState state, TsdsOptions options, MethodScoreRequest request, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        using var embedder = CreateEmbedder(manifest.Model, options);
        if (embedder.Dimension != state.Dimension)
            throw new InvalidDataException($"The embedder gives {embedder.Dimension} dims but the target was embedded with {state.Dimension}.");
        var keys = new List<PoolKey>();
        using var writer = new EmbeddingFileWriter(folder.PoolEmbeddings, embedder.Dimension, options.Half);
        foreach (var chunk in DatasetReader.Read(request.Pool, RunPlans.ReadOptionsFor(manifest)).Chunk(request.ChunkSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var embedded = embedder.Embed(chunk, cancellationToken);
            writer.Append(embedded.Vectors);
            for (int i = 0; i < chunk.Length; i++) keys.Add(new PoolKey(chunk[i].Id, chunk[i].Source, embedded.Lengths[i]));
            progress?.Report($"tsds: embedded {keys.Count} pool rows");
        }
        if (keys.Count == 0) throw new ArgumentException("The pool has no examples.");
        return (keys, writer.Complete());
    }

    private static TsdsResult ComputeFromFile(TsdsRunLayout folder, float[] target, int dimension, TsdsOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var (pool, _, poolDim) = EmbeddingFileWriter.ReadAll(folder.PoolEmbeddings);
        if (poolDim != dimension) throw new InvalidDataException($"{folder.PoolEmbeddings} has {poolDim} dims, the target {dimension}.");
        return TsdsComputation.Compute(target, pool, dimension, options, progress, cancellationToken);
    }

    private static Dictionary<string, string> Metadata(RunManifest manifest, TsdsRunState state, TsdsOptions o, string poolHash, TsdsResult result, long poolBytes)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["winnow.method"] = "tsds",
            [FingerprintKey] = manifest.Fingerprint,
            [PoolHashKey] = poolHash,
            ["winnow.tsds.embedder"] = state.Embedder,
            ["winnow.tsds.alpha"] = F(o.Alpha),
            ["winnow.tsds.c"] = F(o.CostScale),
            ["winnow.tsds.sigma"] = F(o.Sigma),
            ["winnow.tsds.neighbours"] = result.Neighbours.ToString(CultureInfo.InvariantCulture),
            ["winnow.tsds.kde_neighbours"] = result.KdeNeighbours.ToString(CultureInfo.InvariantCulture),
            ["winnow.tsds.support"] = result.Allocation.Support.ToString(CultureInfo.InvariantCulture),
            ["winnow.tsds.level"] = F(result.Allocation.Level),
            ["winnow.tsds.mean_neighbourhood"] = F(result.Allocation.NeighbourhoodSizes.Average()),
            ["winnow.tsds.stopped_by_cost"] = result.Allocation.StoppedByCost ? "true" : "false",
            ["winnow.tsds.pool_embedding_bytes"] = poolBytes.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static IEmbedder CreateEmbedder(string? model, TsdsOptions options) => options.Embedder switch
    {
        TsdsEmbedderKind.Hashed => new HashedNgramEmbedder(options.HashedDimensions, options.HashedMaxN),
        _ => new ModelEmbedder(model ?? throw new InvalidDataException("The TSDS run names no model to embed with."), options.MaxLength, options.BatchSize),
    };

    /// <summary>TSDS's fingerprint recipe: no name in it (the parts differ from every other method's in number and the "-" placeholders); fixed because written run folders and score files carry it.</summary>
    private static RunManifest NewManifest(MethodFitRequest request, TsdsOptions options)
    {
        // The model only matters when it embeds: a hashed run is the same run whatever model is passed.
        string? model = options.Embedder == TsdsEmbedderKind.Model ? Path.GetFullPath(request.Model!) : null;
        string? modelHash = model is null ? null : ContentHash.OfPaths([model]);
        string targetHash = ContentHash.OfPaths(request.Target);
        string poolHash = ContentHash.OfPaths(request.Pool);
        string? labelMapHash = request.LabelMap is null ? null : ContentHash.OfPaths([request.LabelMap]);
        string? fields = request.Fields?.ToString();
        // The mapping enters the fingerprint only when there is one, so runs made without one keep their fingerprints.
        string fingerprint = RunFingerprint.Of(
            [modelHash ?? "-", request.Kind.ToString(), targetHash, poolHash, labelMapHash ?? "-", TsdsRunState.OptionsJson(options)], fields);
        return RunPlans.Inputs(MethodName, request.Kind, model, request.Target, request.Pool, request.LabelMap) with
        {
            Fingerprint = fingerprint, ModelHash = modelHash, TargetHash = targetHash, PoolHash = poolHash, LabelMapHash = labelMapHash, Fields = fields,
            Options = RunManifest.Element(options, TsdsRunState.Json),
        };
    }
}
