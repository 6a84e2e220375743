using Winnow.Torch.Evaluation;
using Winnow.Torch.Tests.TestSupport;
using Winnow.Torch.Training;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Evaluation;

[Collection(TorchSerialCollection.Name)]
public class EvaluatorTests
{
    [Fact]
    public void ResultsComeBackInExampleOrderUnderLengthBucketing()
    {
        var examples = TinyData.Sequences(11, minLength: 3, maxLength: 12);
        var ids = examples.Select(e => e.Id).ToArray();
        using var model = new TinyTokenModel();
        var evaluator = Evaluator.Create(model);

        var bucketed = evaluator.Evaluate(TinyData.Bucketed(examples, batchSize: 3), examples.Length, ids, includeTokenLogProbs: true);
        var oneByOne = evaluator.Evaluate(TinyData.Indexed(examples, Enumerable.Range(0, examples.Length), batchSize: 1), examples.Length, ids, includeTokenLogProbs: true);

        Assert.Equal(Enumerable.Range(0, examples.Length), bucketed.Examples.Select(e => e.Index));
        Assert.Equal(ids, bucketed.Examples.Select(e => e.Id));
        for (int i = 0; i < examples.Length; i++)
        {
            Assert.Equal(oneByOne.Examples[i].PredictedTokens, bucketed.Examples[i].PredictedTokens);
            Assert.Equal(oneByOne.Examples[i].Loss, bucketed.Examples[i].Loss, 5);
            Assert.Equal(oneByOne.TokenLogProbs![i].LogProbs.Length, bucketed.TokenLogProbs![i].LogProbs.Length);
        }
        Assert.Equal(oneByOne.MeanLoss, bucketed.MeanLoss, 5);
    }

    [Fact]
    public void MeanLossIsEquationSevenAndTokensAreThePredictedPositions()
    {
        var examples = TinyData.Sequences(6);
        using var model = new TinyTokenModel();
        double expected;
        float[] firstRow;
        using (NewDisposeScope())
        using (no_grad())
        {
            var batch = TinyData.Collate(examples);
            var logProbs = model.TargetLogProbs(batch);
            expected = Losses.MeanExampleLoss(logProbs, batch.TargetMask).Value.item<float>();
            firstRow = logProbs[0].masked_select(batch.TargetMask[0]).data<float>().ToArray();
        }

        var result = Evaluator.Create(model).Evaluate(TinyData.Indexed(examples, Enumerable.Range(0, 6), 4), 6, includeTokenLogProbs: true);

        Assert.Equal(expected, result.MeanLoss, 5);
        Assert.Equal(6, result.IncludedExamples);
        Assert.Equal(firstRow, result.TokenLogProbs![0].LogProbs);
        Assert.Equal(examples[0].Tokens.Length - examples[0].PromptLength, result.Examples[0].PredictedTokens);
        Assert.All(result.Examples, e => Assert.Equal(e.PredictedTokens, result.TokenLogProbs[e.Index].LogProbs.Length));
    }

    [Fact]
    public void ExamplesWithoutPredictionsHaveNaNLossAndAreLeftOut()
    {
        var examples = new[] { new TinyExample("a", [1, 2, 3, 4], 1), new TinyExample("b", [1, 2, 3], 9) };
        using var model = new TinyTokenModel();

        var result = Evaluator.Create(model).Evaluate(TinyData.Indexed(examples, [0, 1], 2), 2);

        Assert.Equal(1, result.IncludedExamples);
        Assert.Equal(1, result.ExcludedExamples);
        Assert.True(double.IsNaN(result.Examples[1].Loss));
        Assert.Equal(result.Examples[0].Loss, result.MeanLoss);
    }

    [Fact]
    public void RunsWithoutGradientsInEvalModeAndRestoresTheMode()
    {
        var examples = TinyData.Sequences(3);
        using var model = new TinyTokenModel();
        model.train();

        Evaluator.Create(model).Evaluate(TinyData.Indexed(examples, [0, 1, 2], 2), 3);

        Assert.False(model.LastForwardTraining);
        Assert.False(model.LastForwardGradEnabled);
        Assert.True(model.training);
        Assert.True(is_grad_enabled());
    }

    [Fact]
    public void MissingOrRepeatedExamplesAreReported()
    {
        var examples = TinyData.Sequences(3);
        using var model = new TinyTokenModel();
        var evaluator = Evaluator.Create(model);
        Assert.Throws<ArgumentException>(() => evaluator.Evaluate(TinyData.Indexed(examples, [0, 1], 2), 3));
        Assert.Throws<ArgumentException>(() => evaluator.Evaluate(TinyData.Indexed(examples, [0, 1, 1], 2), 3));
    }

    [Fact]
    public void AnEvaluationLeavesNoTensorBehind()
    {
        var examples = TinyData.Sequences(9);
        using var model = new TinyTokenModel();
        var evaluator = Evaluator.Create(model);
        evaluator.Evaluate(TinyData.Bucketed(examples, 4), 9);

        long before = LiveTensors.Count;
        evaluator.Evaluate(TinyData.Bucketed(examples, 4), 9, includeTokenLogProbs: true);
        foreach (var _ in MultiStateTokenScorer.Create(model, [() => { }, () => { }]).Score(TinyData.Bucketed(examples, 4))) { }
        long after = LiveTensors.Count;

        Assert.Equal(before, after);
        // The counter does see this thread's tensors.
        using var probe = zeros(1);
        Assert.Equal(after + 1, LiveTensors.Count);
    }

    [Fact]
    public void MultiStateScorerRunsEveryBatchUnderEveryState()
    {
        var examples = TinyData.Sequences(7);
        using var model = new TinyTokenModel();
        var original = model.Snapshot();
        var evaluator = Evaluator.Create(model);
        var before = evaluator.Evaluate(TinyData.Indexed(examples, Enumerable.Range(0, 7), 7), 7, includeTokenLogProbs: true).TokenLogProbs!;
        model.ScaleOutput(2.0);
        var after = evaluator.Evaluate(TinyData.Indexed(examples, Enumerable.Range(0, 7), 7), 7, includeTokenLogProbs: true).TokenLogProbs!;
        var activations = new List<string>();
        var states = new Action[]
        {
            () => { activations.Add("before"); model.Load(original); },
            () => { activations.Add("after"); model.Load(original); model.ScaleOutput(2.0); },
        };

        var batches = MultiStateTokenScorer.Create(model, states).Score(TinyData.Bucketed(examples, 3), examples.Select(e => e.Id).ToArray()).ToList();

        Assert.Equal(3, batches.Count);
        Assert.Equal(["before", "after", "before", "after", "before", "after"], activations);
        var all = batches.SelectMany(b => b).OrderBy(r => r.Index).ToArray();
        Assert.Equal(Enumerable.Range(0, 7), all.Select(r => r.Index));
        foreach (var r in all)
        {
            Assert.Equal($"ex-{r.Index}", r.Id);
            AssertClose(before[r.Index].LogProbs, r.PerState[0]);
            AssertClose(after[r.Index].LogProbs, r.PerState[1]);
        }
    }

    [Fact]
    public void StreamingAllowsTrainingBetweenBatches()
    {
        var examples = TinyData.Sequences(4);
        using var model = new TinyTokenModel();
        foreach (var _ in Evaluator.Create(model).StreamTokenLogProbs(TinyData.Indexed(examples, [0, 1, 2, 3], 2)))
            Assert.True(is_grad_enabled());
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }
}
