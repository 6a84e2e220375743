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
    [InlineData("Unknown strategy 'best'", "--strategy", "best")]
    [InlineData("Unknown bin_by 'words'", "--bin-by", "words")]
    [InlineData("random_share must be between 0 and 1", "--random-share", "1.5")]
    [InlineData("--random-share is Score+Random's split of the budget; --strategy is score-only", "--random-share", "0.25", "--strategy", "score-only")]
    [InlineData("Unknown share_fill 'nearest'", "--share-fill", "nearest")]
    [InlineData("--share-fill neighbours fills Score+Random's random share; --strategy is score-only", "--share-fill", "neighbours", "--strategy", "score-only")]
    public void AnUnknownSelectionChoiceIsRefusedNamingItAndLeavesNoOutput(string expected, params string[] choice)
    {
        using var dir = new TempDir();
        var result = CliRunner.Run(["select", "--scores", dir.File("s.parquet"), "--pool", CliRunner.Samples("ner", "pool"),
            "--budget", "10", "--out", dir.File("o.jsonl"), .. choice]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.False(File.Exists(dir.File("o.jsonl")));
    }

    [Fact]
    public void NeighbourFillForAMethodThatDoesNotSplitIsRefusedBeforeItsFit()
    {
        // LESS selects by Score-Only: there is no random share to fill, and the refusal comes before an hours-long fit.
        using var dir = new TempDir();
        var result = CliRunner.Run("select", "--method", "less", "--model", dir.File("no-such-model"), "--target", CliRunner.Samples("ner", "target"),
            "--pool", CliRunner.Samples("ner", "pool"), "--budget", "10", "--out", dir.File("o.jsonl"), "--share-fill", "neighbours");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--share-fill neighbours fills Score+Random's random share; less selects by score-only", result.Error);
        Assert.False(Directory.Exists(dir.File("o.jsonl.run")));
    }
}
