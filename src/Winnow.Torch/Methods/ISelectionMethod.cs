using Winnow.Core.Data;
using Winnow.Core.Selection;
using Winnow.Core.Sharding;

namespace Winnow.Torch.Methods;

/// <summary>
/// The contract ToV and every baseline implement, so <c>winnow fit/score/select --method M</c> work the same way:
/// <b>fit</b> does the method's training (ToV's trajectory, LESS's warm-up, uncertainty's warm-up, TSDS's target
/// embeddings, DSIR's n-gram models, nothing for random) into a run folder with a manifest; <b>score</b> streams the
/// pool and writes a score file (<see cref="Winnow.Core.Scoring.ScoreRow"/> columns plus method-specific ones);
/// selection is shared (<see cref="Winnow.Core.Selection.SubsetSelector"/>). Methods never print; they report through
/// <see cref="IProgress{T}"/>.
/// </summary>
public interface ISelectionMethod
{
    /// <summary>The name used on the command line and in score files: tov, random, uncertainty, less, tsds, dsir.</summary>
    string Name { get; }

    /// <summary>Whether fit needs a base model (DSIR and random do not).</summary>
    bool NeedsModel { get; }

    /// <summary>How this method's scores are turned into a subset unless the user says otherwise.</summary>
    SelectionStrategy DefaultStrategy { get; }

    /// <summary>Equal-count length bins the top scores are taken from unless the user says otherwise (1 = global top).</summary>
    int DefaultBins => 10;

    /// <summary>Whether fit and score ignore the seed (DSIR), so a study computes one fit+score for all its seeds.</summary>
    bool SeedFree => false;

    /// <summary>Whether score can run on one shard of the pool; TSDS cannot (its probabilities need the whole pool).</summary>
    bool Shardable => true;

    /// <summary>
    /// Settings that score reads as well as fit: a change to these alone needs no new fit, only a new score (ToV's
    /// transform, aggregate and skip_epochs). Empty for methods whose scores follow from the fit alone.
    /// </summary>
    IReadOnlySet<string> ScoreTimeSettings => EmptySettings;

    /// <summary>
    /// What a run of this method writes in its folder (files and subfolders, manifest.json included): what is removed
    /// when another method's fit replaces it with --force, never the folder itself (--out may hold other things).
    /// </summary>
    IReadOnlyList<string> RunFiles { get; }

    /// <summary>
    /// Whether RUN holds a stopped fit that a rerun continues (ToV, from its finished epochs). A failed fit of a method
    /// that cannot resume leaves no folder behind.
    /// </summary>
    bool CanResume(string runDirectory) => false;

    private static readonly IReadOnlySet<string> EmptySettings = new HashSet<string>();

    MethodRun Fit(MethodFitRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default);

    MethodScoreResult Score(MethodScoreRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>What fit needs. <see cref="Settings"/> carries method-specific options as text (CLI <c>--set key=value</c>, study configs).</summary>
public sealed record MethodFitRequest(IReadOnlyList<string> Target, IReadOnlyList<string> Pool, string RunDirectory)
{
    public string? Model { get; init; }
    public TaskKind Kind { get; init; } = TaskKind.Instruction;
    public string? LabelMap { get; init; }

    /// <summary>Columns of target and pool data in another schema; recorded in the run, so score and select read the pool the same way.</summary>
    public FieldMapping? Fields { get; init; }

    public int Seed { get; init; }

    /// <summary>Replace a run folder made from other inputs instead of refusing.</summary>
    public bool Force { get; init; }

    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}

/// <summary>A finished (or reused) fit.</summary>
public sealed record MethodRun(string RunDirectory, string Method, bool Reused, double Seconds, long BytesWritten);

/// <summary>What score needs: the run folder fit wrote, the pool, and where the score file goes.</summary>
public sealed record MethodScoreRequest(string RunDirectory, IReadOnlyList<string> Pool, string OutputPath)
{
    public int BatchSize { get; init; } = 32;

    /// <summary>Pool examples held in memory at a time.</summary>
    public int ChunkSize { get; init; } = 2048;

    /// <summary>
    /// Score only the pool examples whose (source, id) hashes to this shard; rows keep their whole-pool row numbers and
    /// a sharded score file gets a completion record for <c>winnow merge</c>. Methods whose scores need the whole pool
    /// (TSDS) refuse anything but <see cref="Shard.Whole"/>.
    /// </summary>
    public Shard Shard { get; init; } = Shard.Whole;

    /// <summary>Score-time options as text (ToV: transform, allow_other_pool); a method refuses keys it does not know.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}

/// <summary>A written score file.</summary>
public sealed record MethodScoreResult(string OutputPath, int Rows, int Scored, double Seconds, long BytesWritten);
