namespace Winnow.Cli.Tests;

/// <summary>Issue 17: what a careful user with malformed files and faults meets — one clear line and exit 2, nothing half-done.</summary>
[Collection(CliCollection.Name)]
public sealed class HostileUserTests(ExplainFixture fixture) : IClassFixture<ExplainFixture>
{
    private static void OneLineError(CliResult result, params string[] contains)
    {
        Assert.Equal(2, result.ExitCode);
        var error = result.Error.Trim().Split('\n').Last();
        Assert.StartsWith("winnow: error:", error);
        foreach (var text in contains) Assert.Contains(text, error);
        foreach (var leak in new[] { "(Parameter '", "Actual value was", "System.", "Description:", "Usage:" })
            Assert.DoesNotContain(leak, result.Error + result.Out);
    }

    [Fact]
    public void A_non_numeric_budget_is_one_line_naming_the_option_with_exit_2()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("select", "--scores", dir.File("s.parquet"), "--pool", CliRunner.Samples("ner", "pool"), "--budget", "abc", "--out", dir.File("o.jsonl"));
        OneLineError(result, "--budget", "'abc'", "whole number");
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Inspect_reports_bad_data_on_stderr_in_one_line_with_exit_2_and_no_colour_codes()
    {
        using var dir = new TempDir();
        var bad = dir.File("bad.conll");
        File.WriteAllText(bad, "Paris B-LOC\nis O\nlovely\n\n");
        var result = CliRunner.Run("inspect", bad);
        OneLineError(result, "bad.conll:3");
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.DoesNotContain("\u001b[", result.Out);
        Assert.DoesNotContain("error", result.Out);
    }

    [Fact]
    public void A_zero_budget_is_refused_before_the_fit_and_leaves_no_run_folder()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("select", "--method", "dsir", "--task", "ner", "--target", CliRunner.Samples("ner", "target"),
            "--pool", CliRunner.Samples("ner", "pool"), "--budget", "0", "--out", dir.File("d.jsonl"));
        OneLineError(result, "--budget must be a positive number");
        Assert.DoesNotContain("dsir:", result.Error);
        Assert.False(Directory.Exists(dir.File("d.jsonl.run")));
    }

    [Fact]
    public void An_unwritable_output_is_refused_before_the_fit()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("blocker"), "a file where a folder should be");
        var result = CliRunner.Run("select", "--method", "dsir", "--target", CliRunner.Samples("ner", "target"), "--pool", CliRunner.Samples("ner", "pool"),
            "--budget", "5", "--out", Path.Combine(dir.File("blocker"), "d.jsonl"));
        OneLineError(result, "Cannot write");
        Assert.DoesNotContain("dsir:", result.Error);
    }

    [Fact]
    public void The_readme_dsir_example_reads_the_task_from_ner_data()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("select", "--method", "dsir", "--target", CliRunner.Samples("ner", "target"), "--pool", CliRunner.Samples("ner", "pool"),
            "--budget", "10", "--out", dir.File("dsir.jsonl"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(10, File.ReadAllLines(dir.File("dsir.jsonl")).Length);
    }

    [Fact]
    public void A_refused_select_leaves_no_complete_false_stub_behind()
    {
        using var dir = new TempDir();
        // NER data read as instruction data: the fit refuses it after it has started.
        var result = CliRunner.Run("select", "--method", "dsir", "--task", "instruction", "--target", CliRunner.Samples("ner", "target"),
            "--pool", CliRunner.Samples("ner", "pool"), "--budget", "10", "--out", dir.File("d.jsonl"));
        OneLineError(result, "expected instruction data");
        Assert.False(Directory.Exists(dir.File("d.jsonl.run")), "the refused fit left a run folder");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void An_output_in_use_by_another_process_is_refused_at_once_naming_the_holder()
    {
        using var dir = new TempDir();
        var output = dir.File("subset.jsonl");
        var lockPath = Winnow.Core.IO.FileLock.ForFile(output);
        using var other = new FileStream(lockPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        other.Write(System.Text.Encoding.UTF8.GetBytes("pid=31337\ncommand=winnow select --out subset.jsonl\n"));
        other.Flush();
        var result = CliRunner.Run("select", "--method", "dsir", "--target", CliRunner.Samples("ner", "target"), "--pool", CliRunner.Samples("ner", "pool"),
            "--budget", "10", "--out", output);
        OneLineError(result, "in use by another process", "pid 31337");
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.False(File.Exists(output));
        Assert.False(Directory.Exists(output + ".run"));
    }

    [Fact]
    public void A_run_folder_in_use_by_another_process_is_refused_at_once()
    {
        using var dir = new TempDir();
        var run = dir.File("run");
        Directory.CreateDirectory(run);
        using var other = new FileStream(Winnow.Core.IO.FileLock.ForFolder(run), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        other.Write(System.Text.Encoding.UTF8.GetBytes("pid=4711\ncommand=winnow fit --method dsir\n"));
        other.Flush();
        var result = CliRunner.Run("fit", "--method", "dsir", "--target", CliRunner.Samples("ner", "target"), "--pool", CliRunner.Samples("ner", "pool"), "--out", run);
        OneLineError(result, "in use by another process", "pid 4711", run);
        Assert.False(File.Exists(Path.Combine(run, "manifest.json")));
    }

    [Fact]
    public void A_target_the_label_map_sends_entirely_to_O_is_refused_before_fitting()
    {
        using var dir = new TempDir();
        var map = dir.File("map.txt");
        File.WriteAllText(map, "PER = O\n");
        var result = CliRunner.Run("select", "--method", "tov", "--model", fixture.Model, "--target", fixture.Target, "--pool", fixture.PoolFolder,
            "--label-map", map, "--budget", "5", "--out", dir.File("s.jsonl"), "--base-size", "8", "--epochs", "1", "--max-length", "32");
        OneLineError(result, "is O", "map.txt", "no entity type");
        Assert.False(Directory.Exists(dir.File("s.jsonl.run")));
    }

    [Fact]
    public void Pool_entity_types_the_target_lacks_are_warned_about_with_their_counts()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("fit", "--method", "tov", "--model", fixture.Model, "--target", fixture.Target, "--pool", fixture.PoolFolder,
            "--out", dir.File("run"), "--base-size", "8", "--epochs", "1", "--max-length", "32", "--lora-rank", "2");
        Assert.True(result.ExitCode == 0, result.Error);
        // The pool's places source has 16 B-LOC tags; the target (people) has only PER.
        Assert.Contains("warning: pool entity types the target lacks are read as O: LOC 16 tags", result.Error + result.Out);
    }

    [Fact]
    public void Eval_of_an_encoder_without_an_ner_head_says_what_to_evaluate_instead()
    {
        var result = CliRunner.Run("eval", "--model", fixture.Model, "--data", fixture.Target);
        OneLineError(result, "token-classification head", "winnow finetune");
        Assert.DoesNotContain("pass the target data", result.Error);
    }
}
