using System.Diagnostics;
using Winnow.Core.Data;
using Winnow.Core.Progress;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;

namespace Winnow.Torch.Methods.Tov;

/// <summary>fit → score → select in one call, into one run folder, each stage reused when its artifact is current.</summary>
public sealed record TovPipelineRequest(string Model, IReadOnlyList<string> Target, IReadOnlyList<string> Pool, int Budget, string OutputPath)
{
    public TovFitOptions Options { get; init; } = new();

    public string? LabelMap { get; init; }

    /// <summary>Columns of target and pool data in another schema.</summary>
    public FieldMapping? Fields { get; init; }

    /// <summary>Run folder; null = <c>&lt;out&gt;.run/</c> next to the subset.</summary>
    public string? RunDirectory { get; init; }

    public SelectionStrategy Strategy { get; init; } = SelectionStrategy.ScoreRandom;

    /// <summary>Transform ranked by; null = the fit's (<see cref="TovFitOptions.Transform"/>).</summary>
    public ScoreTransform? Transform { get; init; }

    public int Bins { get; init; } = 10;

    /// <summary>Selection seed; null = the fit's seed.</summary>
    public int? SelectionSeed { get; init; }

    public bool Force { get; init; }

    public int ScoreBatchSize { get; init; } = 32;
}

/// <summary>What the pipeline produced, stage by stage.</summary>
public sealed record TovPipelineResult(TovRun Run, string ScoresPath, TovScoreResult? Scores, SubsetResult Subset, double Seconds);

/// <summary>
/// The library face of ToV for callers without the CLI (the quickstart): <see cref="Fit"/>, <see cref="Score"/>,
/// <see cref="Select"/> and <see cref="Run"/>, plain records in and out.
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

    /// <summary>The subset request for a score file written by a ToV run, ranked by <paramref name="transform"/>'s φ column.</summary>
    public static SubsetRequest SelectRequest(TovManifest manifest, string scoresPath, IReadOnlyList<string> pool, int budget, string output,
        SelectionStrategy strategy, ScoreTransform? transform, int bins, int seed) =>
        new(scoresPath, pool, budget, output)
        {
            Strategy = strategy,
            Column = (transform ?? manifest.Options.Transform).ColumnName(),
            Bins = bins,
            Seed = seed,
            ReadOptions = TovFitter.ReadOptionsFor(manifest.Options.Kind, manifest.LabelMap, manifest.Fields),
        };

    public static TovPipelineResult Run(TovPipelineRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        string runDirectory = request.RunDirectory ?? request.OutputPath + ".run";
        var run = Fit(new TovFitRequest(request.Model, request.Target, request.Pool, runDirectory)
        {
            Options = request.Options,
            LabelMap = request.LabelMap,
            Fields = request.Fields,
            Force = request.Force,
        }, progress, cancellationToken);

        string scores = Path.Combine(runDirectory, ScoreFile.DefaultFileName);
        TovScoreResult? scored = null;
        if (TovScorer.IsCurrent(scores, run.Manifest, run.Manifest.PoolHash))
            progress?.Report($"{scores} is current; reusing it");
        else
            scored = Score(new TovScoreRequest(runDirectory, request.Pool, scores) { BatchSize = request.ScoreBatchSize }, progress, cancellationToken);

        var subset = Select(SelectRequest(run.Manifest, scores, request.Pool, request.Budget, request.OutputPath, request.Strategy,
            request.Transform, request.Bins, request.SelectionSeed ?? request.Options.Seed), progress, cancellationToken);
        return new TovPipelineResult(run, scores, scored, subset, clock.Elapsed.TotalSeconds);
    }
}
