using Winnow.Core.Runs;
using Winnow.Core.Selection;

namespace Winnow.Methods;

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

    /// <summary>
    /// The length bins for a score file of this method, from its footer (<see cref="Winnow.Core.Scoring.ScoreFile.ReadMetadata"/>):
    /// <see cref="DefaultBins"/> unless how the file was scored calls for another count (ToV's summed φ: one bin).
    /// </summary>
    int DefaultBinsFor(IReadOnlyDictionary<string, string> scoreFooter) => DefaultBins;

    /// <summary>The length its bins cut on when a request names none.</summary>
    BinLength DefaultBinBy => BinLength.Tokens;

    /// <summary>Score+Random's share of the budget drawn from the base set when a request names none (the paper's half).</summary>
    double DefaultRandomShare => SelectionOptions.DefaultRandomShare;

    /// <summary>How the length bins share the scored budget by default (equal: the paper's).</summary>
    BinWeights DefaultBinWeights => BinWeights.Equal;

    /// <summary>What fills Score+Random's random share by default (random: uniformly from U, the paper's).</summary>
    ShareFill DefaultShareFill => ShareFill.Random;

    /// <summary>
    /// The random share a selection by <paramref name="strategy"/> from this method's scores uses: the request's own
    /// (<paramref name="given"/>), else <paramref name="pinned"/> (a study's method_settings), else this method's
    /// default — and none at all for a strategy other than Score+Random, which has no split.
    /// </summary>
    double? RandomShareFor(SelectionStrategy strategy, double? given = null, double? pinned = null) =>
        given ?? (strategy == SelectionStrategy.ScoreRandom ? pinned ?? DefaultRandomShare : null);

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

    /// <summary>
    /// Defaults this method changed, newest last: a study begun before one of them must pin the previous value to be
    /// finished as begun (<see cref="DefaultChange"/>). Empty for methods whose defaults never changed.
    /// </summary>
    IReadOnlyList<DefaultChange> DefaultChanges => [];

    /// <summary>The score-file footer key that carries the run's fingerprint (ToV, LESS and TSDS keep keys of their own).</summary>
    string ScoreFingerprintKey => Winnow.Core.Scoring.ScoreFile.FingerprintKey;

    /// <summary>The score-file footer key that carries the scored pool's hash.</summary>
    string ScorePoolHashKey => Winnow.Core.Scoring.ScoreFile.PoolHashKey;

    private static readonly IReadOnlySet<string> EmptySettings = new HashSet<string>();

    MethodRun Fit(MethodFitRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default);

    MethodScoreResult Score(MethodScoreRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default);
}
