using System.Diagnostics;
using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Methods.Common;

namespace Winnow.Methods.Baselines;

/// <summary>
/// The reference baseline (docs/methods.md, "Random"): fit records only the manifest; score gives every row a seeded uniform value
/// in [0, 1) drawn from a hash of (seed, source, id), so the top n by score are a uniform sample and the value of an
/// example does not depend on the pool's order. Its default strategy draws uniformly at selection time instead.
/// </summary>
public sealed class RandomMethod : ISelectionMethod
{
    public string Name => "random";
    public bool NeedsModel => false;
    public SelectionStrategy DefaultStrategy => SelectionStrategy.Random;
    public IReadOnlyList<string> RunFiles { get; } = [Core.Runs.RunFolder.ManifestFileName];

    public MethodRun Fit(MethodFitRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        MethodRequests.RequirePool(request);
        new MethodSettings(Name, request.Settings).RejectUnknown();
        var planned = RunPlans.ForSettings(Name, request, new Dictionary<string, string>());
        return MethodRun.Of(request.RunDirectory, new Core.Runs.RunFolder(request.RunDirectory).FitOnce(planned, request.Force, RunFiles, () => 0, progress));
    }

    public MethodScoreResult Score(MethodScoreRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        new MethodSettings(Name, request.Settings).RejectUnknown();
        var clock = Stopwatch.StartNew();
        var manifest = new Core.Runs.RunFolder(request.RunDirectory).ReadComplete(Name);
        string poolHash = Core.Runs.RunFolder.CheckPool(manifest, request.Pool);
        var pool = DatasetReader.Read(request.Pool, RunPlans.ReadOptionsFor(manifest));
        var result = ChunkedScoreWriter.Write(MethodScoring.Job(request, Name, manifest.Fingerprint, poolHash), pool,
            chunk => chunk.Select(item => new ScoreRow
            {
                Row = item.Row, Id = item.Example.Id, Source = item.Example.Source, Length = ExampleText.Length(item.Example),
                Score = Uniform(manifest.Seed.GetValueOrDefault(), item.Example.Source, item.Example.Id),
            }).ToArray(),
            RunPlans.ScoreMetadata(manifest, poolHash), cancellationToken: cancellationToken);
        int written = checked((int)result.Rows);
        progress?.Report($"random: scored {written} pool examples in {clock.Elapsed.TotalSeconds:F1}s");
        return new MethodScoreResult(request.OutputPath, written, written, clock.Elapsed.TotalSeconds, new FileInfo(request.OutputPath).Length);
    }

    /// <summary>A uniform value in [0, 1) from the top 53 bits of a seeded SHA-256 of the example's key.</summary>
    public static double Uniform(int seed, string source, string id) =>
        (BaseSetSampler.Key(source + "\0" + id, seed) >> 11) * (1.0 / (1UL << 53));
}
