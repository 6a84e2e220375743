using System.Diagnostics;
using System.Globalization;
using Winnow.Core.Scoring;

namespace Winnow.Cli.Tests;

/// <summary>
/// <c>score --shard</c> + <c>merge</c> equal one unsharded run, and a scoring process killed mid-run (SIGKILL) and
/// started again with the same arguments ends with the same scores as an uninterrupted run.
/// </summary>
[Collection(CliCollection.Name)]
public class ScaleOutCommandTests
{
    private static readonly string Pool = CliRunner.Samples("ner", "pool"), Target = CliRunner.Samples("ner", "target"), LabelMap = CliRunner.Samples("ner", "label-map.txt");

    [Theory]
    [InlineData("dsir")]
    [InlineData("random")]
    public void Three_shards_merged_equal_the_unsharded_run(string method)
    {
        using var dir = new TempDir();
        var run = dir.File("run");
        Ok(CliRunner.Run("fit", "--method", method, "--target", Target, "--pool", Pool, "--task", "ner", "--label-map", LabelMap, "--out", run));
        var whole = dir.File("whole.parquet");
        Ok(CliRunner.Run("score", "--run", run, "--pool", Pool, "--out", whole));
        foreach (int i in new[] { 0, 2 })
            Ok(CliRunner.Run("score", "--run", run, "--pool", Pool, "--shard", $"{i}/3", "--chunk-size", "64"));
        var missing = CliRunner.Run("merge", run);
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("missing shards: 1", missing.Error);
        Ok(CliRunner.Run("score", "--run", run, "--pool", Pool, "--shard", "1/3", "--chunk-size", "64"));
        Assert.Contains("3 shards", Ok(CliRunner.Run("merge", run)).Out);
        Assert.Equal(Values(whole), Values(Path.Combine(run, "scores.parquet")));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(run, "shards"), "*.json").Length);
        Assert.Empty(Directory.GetDirectories(Path.Combine(run, "shards")));
    }

    [Fact]
    public void Score_without_out_or_shard_is_a_one_line_error()
    {
        using var dir = new TempDir();
        var run = dir.File("run");
        Ok(CliRunner.Run("fit", "--method", "random", "--pool", Pool, "--task", "ner", "--label-map", LabelMap, "--out", run));
        var result = CliRunner.Run("score", "--run", run, "--pool", Pool);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out", result.Error);
    }

    [Fact]
    public void A_killed_scoring_process_resumes_and_ends_with_the_uninterrupted_scores()
    {
        using var dir = new TempDir();
        string pool = dir.File("pool.conll");
        WriteRepeatedPool(pool, CliRunner.Samples("ner", "pool", "wikigold.conll"), copies: 200);
        var run = dir.File("run");
        Ok(CliRunner.Run("fit", "--method", "dsir", "--target", Target, "--pool", pool, "--task", "ner", "--label-map", LabelMap, "--out", run));
        string[] score = ["score", "--run", run, "--pool", pool, "--chunk-size", "50"];
        var straight = dir.File("straight.parquet");
        Ok(CliRunner.Run([.. score, "--out", straight]));

        var killed = dir.File("killed.parquet");
        string parts = ChunkedScoreWriter.PartsFolder(killed);
        KillWhenPartsExist([.. score, "--out", killed], parts, count: 3);
        Assert.False(File.Exists(killed), "the child finished before it was killed; make the pool larger");
        int finished = Directory.GetFiles(parts, "part-*.parquet").Length;
        Assert.True(finished >= 3, $"{finished} parts");

        var changed = CliRunner.Run([.. score[..^1], "60", "--out", killed]);
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("interrupted scoring run of other inputs", changed.Error);
        Assert.Contains("chunk size 50 vs 60", changed.Error);

        Ok(CliRunner.Run([.. score, "--out", killed]));
        Assert.False(Directory.Exists(parts));
        Assert.Equal(Values(straight), Values(killed));
        Assert.Equal(File.ReadAllBytes(straight), File.ReadAllBytes(killed));
    }

    /// <summary>Starts <c>dotnet winnow.dll ARGS</c> and kills its whole tree once <paramref name="count"/> part files exist.</summary>
    private static void KillWhenPartsExist(string[] args, string parts, int count)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CliRunner.WinnowDll());
        foreach (var a in args) start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        child.OutputDataReceived += (_, _) => { };
        child.ErrorDataReceived += (_, _) => { };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (Directory.Exists(parts) && Directory.GetFiles(parts, "part-*.parquet").Length >= count) break;
            Thread.Sleep(5);
        }
        Assert.False(child.HasExited, $"the child exited with {(child.HasExited ? child.ExitCode : 0)} before it was killed");
        child.Kill(entireProcessTree: true);
        child.WaitForExit();
    }

    /// <summary>The sample's sentences repeated: positional ids make every copy a new example.</summary>
    internal static void WriteRepeatedPool(string path, string sample, int copies)
    {
        string text = File.ReadAllText(sample).TrimEnd('\n') + "\n\n";
        using var writer = new StreamWriter(path);
        for (int i = 0; i < copies; i++) writer.Write(text);
    }

    internal static List<string> Values(string path) =>
        ScoreFile.Read(path).Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{r.Row}|{r.Id}|{r.Source}|{r.Length}|{r.Predicted}|{r.InBase}|{r.Score:R}|{r.PhiIdentity:R}|{r.PhiAbs:R}|{r.PhiPositive:R}|{r.PhiIdentityEpochs.Count}")).ToList();

    private static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}");
        return result;
    }
}
