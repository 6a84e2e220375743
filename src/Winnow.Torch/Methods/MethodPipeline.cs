using System.Diagnostics;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Methods;
using Winnow.Torch.Methods.Common;

namespace Winnow.Torch.Methods;

/// <summary>
/// fit → score → select for any registered method, into one run folder, each stage reused when what it wrote is
/// current (docs/design.md, "Pipeline"): the fit by the run folder's own rules, the score file when its footer names
/// this run and this pool. What <c>winnow select --method</c>, the quickstart and the study runner call.
/// </summary>
public static class MethodPipeline
{
    /// <summary>
    /// Fits (or reuses) the run, then scores into <paramref name="scoresPath"/> (default RUN/scores.parquet) unless that
    /// file is current for this run and pool. Returns what selection needs: the score file and how to read the pool.
    /// </summary>
    /// <param name="observer">Told when the fit and the score start and end (the cost bench measures them).</param>
    public static FitAndScoreResult FitAndScore(ISelectionMethod method, MethodFitRequest fit, string? scoresPath = null, int scoreBatchSize = 32,
        IProgress<string>? progress = null, CancellationToken cancellationToken = default, IPipelineObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(fit);
        observer?.Starting(PipelineStage.Fit);
        var run = method.Fit(fit, progress, cancellationToken);
        observer?.Finished(PipelineStage.Fit);
        var info = MethodRuns.Describe(run.RunDirectory);
        string scores = scoresPath ?? Path.Combine(run.RunDirectory, ScoreFile.DefaultFileName);
        MethodScoreResult? scored = null;
        if (MethodRuns.IsCurrent(scores, info))
            progress?.Report($"{scores} is current; reusing it");
        else
        {
            observer?.Starting(PipelineStage.Score);
            scored = method.Score(new MethodScoreRequest(run.RunDirectory, fit.Pool, scores) { BatchSize = scoreBatchSize }, progress, cancellationToken);
            observer?.Finished(PipelineStage.Score);
        }
        return new FitAndScoreResult(run, scores, scored, info.ReadOptions);
    }

    /// <summary>The whole pipeline: <see cref="FitAndScore"/>, then the subset with the method's defaults unless the request says otherwise.</summary>
    public static PipelineResult Run(PipelineRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var method = SelectionMethods.Get(request.Method);
        var done = FitAndScore(method, request.Fit, request.ScoresPath, request.ScoreBatchSize, progress, cancellationToken);
        var strategy = request.Strategy ?? method.DefaultStrategy;
        var subset = SubsetSelector.Select(new SubsetRequest(done.ScoresPath, request.Fit.Pool, request.Budget, request.OutputPath)
        {
            Strategy = strategy,
            Column = request.Column,
            Bins = request.Bins ?? method.DefaultBinsFor(Core.Scoring.ScoreFile.ReadMetadata(done.ScoresPath)),
            BinBy = request.BinBy ?? method.DefaultBinBy,
            BinWeights = request.BinWeights ?? method.DefaultBinWeights,
            ShareFill = request.ShareFill ?? method.DefaultShareFill,
            RandomShare = method.RandomShareFor(strategy, request.RandomShare),
            Seed = request.SelectionSeed ?? request.Fit.Seed,
            ReadOptions = done.ReadOptions,
        }, progress, cancellationToken);
        return new PipelineResult(done.Run, done.ScoresPath, done.Scores, subset, clock.Elapsed.TotalSeconds);
    }
}
