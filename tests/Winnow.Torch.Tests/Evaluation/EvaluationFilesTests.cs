using Winnow.Torch.Evaluation;

namespace Winnow.Torch.Tests.Evaluation;

public class EvaluationFilesTests
{
    [Fact]
    public void ExampleLossesRoundTripWithNaNAsNull()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "sub", "losses.jsonl");
        var losses = new[] { new ExampleLoss(0, "a", 1.25, 4), new ExampleLoss(1, null, double.NaN, 0), new ExampleLoss(2, "ünïcode \"q\"", 0.1, 1) };

        EvaluationFiles.WriteExampleLosses(path, losses);

        var lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        Assert.Equal("""{"index":0,"id":"a","loss":1.25,"predicted":4}""", lines[0]);
        Assert.Contains("\"loss\":null", lines[1]);
        var back = EvaluationFiles.ReadExampleLosses(path);
        Assert.Equal(losses[0], back[0]);
        Assert.True(double.IsNaN(back[1].Loss) && back[1].Id is null && back[1].PredictedTokens == 0);
        Assert.Equal(losses[2], back[2]);
    }

    [Fact]
    public void TokenLogProbsRoundTripExactly()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "tokens.jsonl");
        var tokens = new[] { new ExampleTokenLogProbs(3, "x", [-0.1f, -2.3456789f, -1e-7f]), new ExampleTokenLogProbs(0, "y", []) };

        EvaluationFiles.WriteTokenLogProbs(path, tokens);
        var back = EvaluationFiles.ReadTokenLogProbs(path);

        Assert.Equal(2, back.Count);
        Assert.Equal((3, "x"), (back[0].Index, back[0].Id));
        Assert.Equal(tokens[0].LogProbs, back[0].LogProbs);
        Assert.Empty(back[1].LogProbs);
    }

    [Fact]
    public void AFailedWriteLeavesTheOldFileAndNoTemporary()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "losses.jsonl");
        EvaluationFiles.WriteExampleLosses(path, [new ExampleLoss(0, "old", 1, 1)]);

        Assert.Throws<InvalidOperationException>(() => EvaluationFiles.WriteExampleLosses(path, Failing()));

        Assert.Equal("old", EvaluationFiles.ReadExampleLosses(path).Single().Id);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ABrokenLineNamesTheFileAndLine()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "tokens.jsonl");
        File.WriteAllLines(path, ["""{"index":0,"id":"a","logprobs":[-1]}""", "{not json"]);
        var e = Assert.Throws<InvalidDataException>(() => EvaluationFiles.ReadTokenLogProbs(path));
        Assert.Contains("tokens.jsonl:2", e.Message);
    }

    private static IEnumerable<ExampleLoss> Failing()
    {
        yield return new ExampleLoss(0, "new", 2, 1);
        throw new InvalidOperationException("source failed");
    }
}
