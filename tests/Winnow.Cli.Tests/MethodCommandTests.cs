using System.Text.Json;

namespace Winnow.Cli.Tests;

/// <summary>fit/score/select through the method registry: DSIR end to end (no model needed), and the errors a user can make.</summary>
[Collection(CliCollection.Name)]
public class MethodCommandTests
{
    private static readonly string Pool = CliRunner.Samples("ner", "pool"), Target = CliRunner.Samples("ner", "target"), LabelMap = CliRunner.Samples("ner", "label-map.txt");

    [Fact]
    public void Dsir_fit_score_select_and_the_one_shot_select_agree()
    {
        using var dir = new TempDir();
        var run = dir.File("run");
        Ok(CliRunner.Run("fit", "--method", "dsir", "--target", Target, "--pool", Pool, "--task", "ner", "--label-map", LabelMap, "--out", run, "--set", "hash_bits=14"));
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "manifest.json"))))
        {
            Assert.Equal("dsir", manifest.RootElement.GetProperty("method").GetString());
            Assert.Equal("14", manifest.RootElement.GetProperty("options").GetProperty("hash_bits").GetString());
        }
        Assert.Contains("already complete", Ok(CliRunner.Run("fit", "--method", "dsir", "--target", Target, "--pool", Pool, "--task", "ner",
            "--label-map", LabelMap, "--out", run, "--set", "hash_bits=14")).Out);

        var scores = dir.File("scores.parquet");
        Assert.Contains("dsir", Ok(CliRunner.Run("score", "--run", run, "--pool", Pool, "--out", scores)).Out);
        var subset = dir.File("subset.jsonl");
        Ok(CliRunner.Run("select", "--scores", scores, "--pool", Pool, "--task", "ner", "--label-map", LabelMap, "--budget", "30", "--out", subset, "--seed", "4"));
        Assert.Equal(30, File.ReadAllLines(subset).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).Distinct().Count());
        using (var summary = JsonDocument.Parse(File.ReadAllText(dir.File("subset.summary.json"))))
            Assert.Equal("SampleLog", summary.RootElement.GetProperty("strategy").GetString());

        var oneShot = dir.File("one-shot.jsonl");
        Ok(CliRunner.Run("select", "--method", "dsir", "--target", Target, "--pool", Pool, "--task", "ner", "--label-map", LabelMap,
            "--set", "hash_bits=14", "--budget", "30", "--out", oneShot, "--seed", "4"));
        Assert.Equal(File.ReadAllLines(subset), File.ReadAllLines(oneShot));
        Assert.True(File.Exists(Path.Combine(oneShot + ".run", "scores.parquet")));
    }

    [Fact]
    public void Random_needs_no_model_and_selects_uniformly_by_default()
    {
        using var dir = new TempDir();
        var subset = dir.File("random.jsonl");
        Ok(CliRunner.Run("select", "--method", "random", "--pool", Pool, "--task", "ner", "--label-map", LabelMap, "--budget", "20", "--out", subset));
        Assert.Equal(20, File.ReadAllLines(subset).Length);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("random.summary.json")));
        Assert.Equal("Random", summary.RootElement.GetProperty("strategy").GetString());
    }

    [Fact]
    public void Unknown_method_is_a_one_line_error_with_exit_code_2()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("fit", "--method", "oracle", "--target", Target, "--pool", Pool, "--out", dir.File("run"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown method 'oracle'", result.Error);
        Assert.Contains("dsir", result.Error);
    }

    [Fact]
    public void Unknown_setting_and_a_flag_the_method_does_not_take_are_refused_with_exit_code_2()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("fit", "--method", "dsir", "--target", Target, "--pool", Pool, "--task", "ner", "--out", dir.File("run"), "--set", "buckets=9");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'buckets'", result.Error);
        Assert.False(File.Exists(Path.Combine(dir.File("run"), "manifest.json")));

        var flag = CliRunner.Run("fit", "--method", "dsir", "--target", Target, "--pool", Pool, "--task", "ner", "--out", dir.File("run"), "--epsilon", "0.2");
        Assert.Equal(2, flag.ExitCode);
        Assert.Contains("'epsilon'", flag.Error);

        var malformed = CliRunner.Run("fit", "--method", "random", "--pool", Pool, "--task", "ner", "--out", dir.File("run"), "--set", "novalue");
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("key=value", malformed.Error);
    }

    private static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\nstdout: {result.Out}\nstderr: {result.Error}");
        return result;
    }
}
