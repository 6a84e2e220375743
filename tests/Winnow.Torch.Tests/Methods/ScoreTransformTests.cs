using Winnow.Torch.Methods.Tov;

namespace Winnow.Torch.Tests.Methods;

public class ScoreTransformTests
{
    [Fact]
    public void ThreeTransformsMatchTheirDefinitions()
    {
        float[] before = [-2.0f, -1.0f, -3.0f, -0.5f];
        float[] after = [-1.5f, -1.25f, -1.0f, -0.5f];
        // Δ = [0.5, -0.25, 2.0, 0.0]
        var phi = ScoreTransforms.Phi(before, after);
        Assert.Equal((0.5 - 0.25 + 2.0 + 0.0) / 4, phi[0], 6);
        Assert.Equal((0.5 + 0.25 + 2.0 + 0.0) / 4, phi[1], 6);
        Assert.Equal((0.5 + 0.0 + 2.0 + 0.0) / 4, phi[2], 6);
    }

    [Fact]
    public void IdentityEqualsDifferenceOfMeanLosses()
    {
        var rng = new Random(1);
        var before = Enumerable.Range(0, 37).Select(_ => (float)-rng.NextDouble() * 5).ToArray();
        var after = Enumerable.Range(0, 37).Select(_ => (float)-rng.NextDouble() * 5).ToArray();
        double lossBefore = -before.Average(x => (double)x);
        double lossAfter = -after.Average(x => (double)x);
        Assert.Equal(lossBefore - lossAfter, ScoreTransforms.Phi(before, after)[0], 6);
    }

    [Fact]
    public void AbsBoundsIdentityAndPositiveFromAbove()
    {
        var rng = new Random(2);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = 1 + rng.Next(20);
            var a = Enumerable.Range(0, n).Select(_ => (float)-rng.NextDouble() * 4).ToArray();
            var b = Enumerable.Range(0, n).Select(_ => (float)-rng.NextDouble() * 4).ToArray();
            var phi = ScoreTransforms.Phi(a, b);
            Assert.True(phi[1] >= Math.Abs(phi[0]) - 1e-9);
            Assert.True(phi[1] >= phi[2] - 1e-9);
            Assert.True(phi[2] >= Math.Max(phi[0], 0) - 1e-9);
        }
    }

    [Fact]
    public void SummedPhiIsTheMeanTimesTheTokensAndWeighsEveryTokenWhole()
    {
        double[] deltas = [0.5, -0.25, 2.0, 0.0, -1.0];
        var mean = ScoreTransforms.PhiOfDeltas(deltas, default);
        var sum = ScoreTransforms.PhiOfDeltas(deltas, default, sum: true);
        Assert.Equal(0.5 - 0.25 + 2.0 + 0.0 - 1.0, sum[0], 12);
        Assert.Equal(0.5 + 0.25 + 2.0 + 0.0 + 1.0, sum[1], 12);
        Assert.Equal(0.5 + 2.0, sum[2], 12);
        for (int t = 0; t < 3; t++) Assert.Equal(mean[t] * deltas.Length, sum[t], 12);
        Assert.All(ScoreTransforms.TokenWeights(deltas.Length, default, sum: true), w => Assert.Equal(1.0, w));
        Assert.Throws<ArgumentException>(() => ScoreTransforms.PhiOfDeltas(deltas, new int[] { 0, 1, 0, 0, 1 }, sum: true));
        Assert.Equal(TovAggregation.Sum, TovMethod.ParseAggregation("SUM"));
        Assert.Contains("sum", Assert.Throws<ArgumentException>(() => TovMethod.ParseAggregation("median")).Message);
    }

    [Fact]
    public void MismatchedLengthsAndNamesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => ScoreTransforms.Phi(new float[2], new float[3]));
        Assert.Throws<ArgumentException>(() => ScoreTransforms.Parse("square"));
        Assert.Equal(ScoreTransform.Abs, ScoreTransforms.Parse("ABS"));
    }
}
