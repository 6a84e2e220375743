using Winnow.Torch.Tests.TestSupport;
using Winnow.Torch.Training;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Training;

[Collection(TorchSerialCollection.Name)]
public class LossesTests
{
    [Fact]
    public void MeanExampleLossAveragesPerExampleMeansNotTokens()
    {
        using var scope = NewDisposeScope();
        // Example 0 predicts three tokens (−log p = 1, 2, 3: mean 2); example 1 predicts one (0.5).
        var logProbs = tensor(new float[] { -1f, -2f, -3f, -0.5f, 0f, 0f }, [2, 3]);
        var mask = tensor(new[] { true, true, true, true, false, false }, [2, 3]);

        var perExample = Losses.PerExampleLoss(logProbs, mask).data<float>().ToArray();
        var mean = Losses.MeanExampleLoss(logProbs, mask);

        Assert.Equal(new[] { 2f, 0.5f }, perExample);
        // Eq. 7: (2 + 0.5) / 2 = 1.25, where a token mean would give (1 + 2 + 3 + 0.5) / 4 = 1.625.
        Assert.Equal(1.25f, mean.Value.item<float>(), 6);
        Assert.Equal(2, mean.IncludedExamples);
        Assert.Equal(0, mean.ExcludedExamples);
    }

    [Fact]
    public void ExamplesWithoutPredictedPositionsAreExcludedAndCounted()
    {
        using var scope = NewDisposeScope();
        var logProbs = tensor(new float[] { -1f, -2f, -3f, -0.5f, 0f, 0f, -9f, -9f, -9f }, [3, 3]);
        var mask = tensor(new[] { true, true, true, true, false, false, false, false, false }, [3, 3]);

        var mean = Losses.MeanExampleLoss(logProbs, mask);

        Assert.Equal(1.25f, mean.Value.item<float>(), 6);
        Assert.Equal(2, mean.IncludedExamples);
        Assert.Equal(1, mean.ExcludedExamples);
        Assert.Equal(0f, Losses.PerExampleLoss(logProbs, mask).data<float>()[2]);
        Assert.Equal(new[] { 3f, 1f, 0f }, Losses.PredictedCounts(mask).data<float>().ToArray());
    }

    [Fact]
    public void AllExcludedGivesZeroNotNaN()
    {
        using var scope = NewDisposeScope();
        var mean = Losses.MeanExampleLoss(full(2, 3, -1f), zeros(2, 3, dtype: ScalarType.Bool));
        Assert.Equal(0f, mean.Value.item<float>());
        Assert.Equal(0, mean.IncludedExamples);
        Assert.Equal(2, mean.ExcludedExamples);
    }

    [Fact]
    public void MaskedPositionsMayHoldMinusInfinity()
    {
        using var scope = NewDisposeScope();
        var logProbs = tensor(new[] { -1f, float.NegativeInfinity }, [1, 2]);
        var mask = tensor(new[] { true, false }, [1, 2]);
        Assert.Equal(1f, Losses.MeanExampleLoss(logProbs, mask).Value.item<float>());
    }

    [Fact]
    public void RejectsMismatchedShapesAndNonBoolMasks()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => Losses.PerExampleLoss(zeros(2, 3), zeros(2, 4, dtype: ScalarType.Bool)));
        Assert.Throws<ArgumentException>(() => Losses.PerExampleLoss(zeros(2, 3), ones(2, 3)));
    }

    [Fact]
    public void TargetsUnderAFalseMaskChangeNeitherLossNorGradients()
    {
        using var scope = NewDisposeScope();
        var examples = TinyData.Sequences(4);
        using var model = new TinyTokenModel();
        var batch = TinyData.Collate(examples);
        // Same batch with every unpredicted target replaced by another token.
        var scrambled = batch with { Targets = batch.Targets.masked_fill(batch.TargetMask.logical_not(), 5L) };
        Assert.NotEqual(batch.Targets.data<long>().ToArray(), scrambled.Targets.data<long>().ToArray());

        var (loss1, grads1) = LossAndGradients(model, batch);
        var (loss2, grads2) = LossAndGradients(model, scrambled);

        Assert.Equal(loss1, loss2);
        foreach (var name in grads1.Keys) Assert.Equal(grads1[name], grads2[name]);
    }

    private static (float Loss, Dictionary<string, float[]> Grads) LossAndGradients(TinyTokenModel model, Winnow.Torch.Modeling.Batch batch)
    {
        model.zero_grad();
        var loss = Losses.MeanExampleLoss(model.TargetLogProbs(batch), batch.TargetMask).Value;
        loss.backward();
        var grads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray());
        model.zero_grad();
        return (loss.item<float>(), grads);
    }
}
