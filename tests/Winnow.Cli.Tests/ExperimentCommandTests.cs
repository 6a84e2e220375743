using System.Text.Json;

namespace Winnow.Cli.Tests;

/// <summary><c>winnow experiment</c>: one-line errors for bad configs and folders, and the report on a hand-made results folder.</summary>
[Collection(CliCollection.Name)]
public sealed class ExperimentCommandTests
{
    private static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "winnow-cli-exp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    [Fact]
    public void An_unknown_config_key_is_one_line_with_file_and_line()
    {
        var dir = TempFolder();
        var config = Path.Combine(dir, "bad.yaml");
        File.WriteAllText(config, "name: x\ntask: ner\nbudgetz: [1]\n");
        var result = CliRunner.Run("experiment", "run", config, "--out", Path.Combine(dir, "out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"winnow: error: {config}:3: unknown key 'budgetz'", result.Error.Trim());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Report_of_a_folder_without_results_is_one_line()
    {
        var dir = TempFolder();
        var result = CliRunner.Run("experiment", "report", dir);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no experiment results folder", result.Error);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Report_writes_html_and_markdown_for_a_results_folder()
    {
        var dir = TempFolder();
        var json = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        File.WriteAllText(Path.Combine(dir, "study.json"), JsonSerializer.Serialize(new
        {
            Name = "hand", Task = "instruction", ConfigHash = "h", ConfigPath = "c.yaml", Methods = new[] { "random", "tov" }, Budgets = new[] { 10 },
            Seeds = new[] { 0 }, PoolSizes = new Dictionary<string, int> { ["a"] = 5, ["b"] = 5 }, TargetSize = 3, TestSize = 4, BaseModel = "m",
            Machine = "test", Started = "now",
        }, json));
        Directory.CreateDirectory(Path.Combine(dir, "cells"));
        foreach (var (method, loss) in new[] { ("random", 2.0), ("tov", 1.5) })
            File.WriteAllText(Path.Combine(dir, "cells", method + ".json"), JsonSerializer.Serialize(new
            {
                Method = method, Budget = 10, Seed = 0, Selected = 10, BySource = new Dictionary<string, int> { ["a"] = 10 }, TestLoss = loss,
                TestLossStdErr = 0.1, F1 = (double?)null, Precision = (double?)null, Recall = (double?)null, SelectSeconds = 1.0, FinetuneSeconds = 1.0, Artifact = "",
            }, json));
        // tov's subset rows are here (random's are not): the report computes its composition from them first.
        Directory.CreateDirectory(Path.Combine(dir, "subsets"));
        File.WriteAllText(Path.Combine(dir, "subsets", "tov__b10__s0.jsonl"),
            "{\"id\":\"1\",\"source\":\"pool/a\",\"prompt\":\"one two three\",\"completion\":\"four\"}\n" +
            "{\"id\":\"2\",\"source\":\"pool/b\",\"prompt\":\"one\",\"completion\":\"two three\"}\n");
        var result = CliRunner.Run("experiment", "report", dir);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"composition: 1 file(s) computed from the row files in {dir}", result.Out);
        Assert.True(File.Exists(Path.Combine(dir, "subsets", "tov__b10__s0.composition.json")));
        var md = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("| tov | 10 | 1 | 1.5000 ± – | +25.0% |", md);
        Assert.Contains("| tov | 1 | 2 | – | 2.0 | 1.5 | 1.5000 | -0.5000 |", md); // random has no subset here, but its cell gives the difference
        Assert.Contains("hand,tov__b10__s0,tov,10,0,2,,,,,,,,,2,1.5,a=1;b=1,1.5,2,-0.5", File.ReadAllText(Path.Combine(dir, "diagnosis.csv")));
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Contains("<h2>The answer</h2>", html);
        Assert.Contains("<svg class=\"chart heatmap\"", html);
        Directory.Delete(dir, true);
    }
}
