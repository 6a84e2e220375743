using Winnow.Core.Progress;
using Winnow.Core.Selection;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// ToV's own stages as a library, plain records in and out: <see cref="Fit"/>, <see cref="Score"/> (with a progress
/// line per rate report) and <see cref="Select"/>. The pipeline over them, for ToV as for every method, is
/// <see cref="MethodPipeline"/>.
/// </summary>
public static class TovPipeline
{
    public static TovRun Fit(TovFitRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        TovFitter.Fit(request, progress, cancellationToken);

    public static TovScoreResult Score(TovScoreRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var rate = progress is null ? null : new SynchronousProgress<TovScoreProgress>(p => progress.Report($"scored {p.Rows} pool examples ({p.ExamplesPerSecond:F0} examples/s)"));
        return TovScorer.Score(request, progress, rate, cancellationToken);
    }

    public static SubsetResult Select(SubsetRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        SubsetSelector.Select(request, progress, cancellationToken);

    /// <summary>
    /// The subset request for a score file written by a ToV run, ranked by <paramref name="transform"/>'s φ column, with
    /// ToV's own selection defaults (the length its bins cut on, Score+Random's split) as every other path has them.
    /// </summary>
    public static SubsetRequest SelectRequest(TovRun run, string scoresPath, IReadOnlyList<string> pool, int budget, string output,
        SelectionStrategy strategy, ScoreTransform? transform, int bins, int seed) =>
        new(scoresPath, pool, budget, output)
        {
            Strategy = strategy,
            Column = (transform ?? run.Options.Transform).ColumnName(),
            Bins = bins,
            BinBy = TovMethod.SelectionBinLength,
            RandomShare = SelectionMethods.Get(TovMethod.MethodName).RandomShareFor(strategy),
            BinWeights = SelectionMethods.Get(TovMethod.MethodName).DefaultBinWeights,
            ShareFill = SelectionMethods.Get(TovMethod.MethodName).DefaultShareFill,
            Seed = seed,
            ReadOptions = TovFitter.ReadOptionsFor(run.Options.Kind, run.Manifest.LabelMap, run.Manifest.Fields),
        };
}
