using System.Diagnostics;
using Winnow.Torch.Experiments;
using Winnow.Torch.Tests.TestSupport;
using Xunit.Abstractions;

namespace Winnow.Torch.Tests.Experiments;

/// <summary>The micro study (experiments/micro.yaml, bundled samples) end to end, interrupted after its first cell and resumed.</summary>
public sealed class ExperimentRunnerTests(ITestOutputHelper output)
{
    [Fact]
    public void Micro_study_runs_resumes_after_an_interruption_and_never_redoes_a_finished_cell()
    {
        using var dir = new TempDirectory();
        var clock = Stopwatch.StartNew();
        var config = ExperimentConfig.Load(Path.Combine(RepoPaths.Root, "experiments", "micro.yaml"));
        var options = new ExperimentRunOptions(Path.Combine(dir.Path, "results"), Path.Combine(dir.Path, "cache"), Path.Combine(dir.Path, "no-shared-data"));
        var log = new Progress<string>(output.WriteLine);

        using var cancel = new CancellationTokenSource();
        var first = new ExperimentRunner(config, options, log);
        first.CellFinished += _ => cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => first.Run(cancel.Token));
        var cells = Path.Combine(options.ResultsDirectory, "cells");
        var finished = Assert.Single(Directory.GetFiles(cells));
        var writtenAt = File.GetLastWriteTimeUtc(finished);
        var firstArtifact = Path.Combine(options.ResultsDirectory, "artifacts", "random-s0", "cost.json");
        var artifactAt = File.GetLastWriteTimeUtc(firstArtifact);

        var summary = new ExperimentRunner(config, options, log).Run();
        Assert.Equal(4, summary.CellsTotal);
        Assert.Equal(3, summary.CellsComputed);
        Assert.Equal(1, summary.CellsReused);
        Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(finished));
        Assert.Equal(artifactAt, File.GetLastWriteTimeUtc(firstArtifact));

        var results = ExperimentResults.Load(options.ResultsDirectory);
        Assert.Equal(4, results.Cells.Count);
        Assert.All(results.Cells, c =>
        {
            Assert.Equal(30, c.Selected);
            Assert.Equal(30, c.BySource.Values.Sum());
            Assert.True(double.IsFinite(c.TestLoss) && c.TestLoss > 0);
            Assert.InRange(c.F1!.Value, 0, 1);
        });
        Assert.Equal(["random-s0", "random-s1", "tov-s0", "tov-s1"], results.Costs.Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.All(results.Costs.Where(c => c.Method == "tov"), c => Assert.True(c.BytesOnDisk > 0 && c.Seconds > 0));
        Assert.Equal(new Dictionary<string, int> { ["music"] = 30, ["politics"] = 30, ["wikigold"] = 30, ["wnut17"] = 30 }, results.Study.PoolSizes);

        // A third run finds everything finished.
        Assert.Equal(0, new ExperimentRunner(config, options, log).Run().CellsComputed);
        output.WriteLine($"micro study with resume: {clock.Elapsed.TotalSeconds:F0} s");
    }

    [Fact]
    public void A_results_folder_of_another_config_is_refused()
    {
        using var dir = new TempDirectory();
        ExperimentResults.Write(Path.Combine(dir.Path, ExperimentResults.StudyFile), ExperimentReportTests.Study("other", "ner") with { ConfigHash = "feedfeed" });
        var config = ExperimentConfig.Load(Path.Combine(RepoPaths.Root, "experiments", "micro.yaml"));
        var error = Assert.Throws<ArgumentException>(() =>
            new ExperimentRunner(config, new ExperimentRunOptions(dir.Path, Path.Combine(dir.Path, "cache"), dir.Path)).Run());
        Assert.Contains("another config", error.Message);
    }

    [Fact]
    public void Samples_are_uniform_without_replacement_and_keep_order()
    {
        var items = Enumerable.Range(0, 100).ToArray();
        var sample = ExperimentRunner.Sample(items, 10, 3);
        Assert.Equal(10, sample.Distinct().Count());
        Assert.Equal(sample.Order(), sample);
        Assert.Equal(sample, ExperimentRunner.Sample(items, 10, 3));
        Assert.NotEqual(sample, ExperimentRunner.Sample(items, 10, 4));
    }
}
