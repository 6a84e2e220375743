namespace Winnow.Cli.Tests;

[Collection(CliCollection.Name)]
public class ErrorTests
{
    [Fact]
    public void InspectNamesFileAndLineOfBadInput()
    {
        using var dir = new TempDir();
        var bad = dir.File("bad.conll");
        File.WriteAllText(bad, "Paris B-LOC\nis O\nlovely\n\n");
        var result = CliRunner.Run("inspect", bad);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("bad.conll:3", result.Out + result.Error);
    }

    [Fact]
    public void MissingModelFolderIsOneLineErrorWithExitCode2()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("eval", "--model", dir.File("no-such-model"), "--data", CliRunner.Samples("ner", "test"));
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("winnow: error:", result.Error.Trim());
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("no-such-model", result.Error);
    }

    [Theory]
    [InlineData("--strategy", "best", "Unknown strategy 'best'")]
    [InlineData("--bin-by", "words", "Unknown bin_by 'words'")]
    public void AnUnknownSelectionChoiceIsRefusedNamingItAndLeavesNoOutput(string option, string value, string expected)
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("select", "--scores", dir.File("s.parquet"), "--pool", CliRunner.Samples("ner", "pool"),
            "--budget", "10", "--out", dir.File("o.jsonl"), option, value);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.False(File.Exists(dir.File("o.jsonl")));
    }
}
