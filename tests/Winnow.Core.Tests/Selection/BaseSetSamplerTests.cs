using Winnow.Core.Selection;

namespace Winnow.Core.Tests.Selection;

public class BaseSetSamplerTests
{
    private static readonly string[] Ids = Enumerable.Range(0, 5000).Select(i => $"ex-{i}").ToArray();

    [Fact]
    public void SampleHasRequestedSizeAndIsOrderIndependent()
    {
        var a = BaseSetSampler.Sample(Ids, 400, seed: 1);
        var b = BaseSetSampler.Sample(Ids.Reverse(), 400, seed: 1);
        Assert.Equal(400, a.Count);
        Assert.True(a.SetEquals(b));
    }

    [Fact]
    public void DifferentSeedsGiveDifferentSets()
    {
        var a = BaseSetSampler.Sample(Ids, 400, seed: 1);
        var b = BaseSetSampler.Sample(Ids, 400, seed: 2);
        // Two independent 8% samples overlap in about 8% of their members; far from all.
        Assert.InRange(a.Intersect(b).Count(), 0, 100);
    }

    [Fact]
    public void SampleIsRoughlyUniformOverThePool()
    {
        // Each tenth of the pool should get about a tenth of a 1000-sample: binomial sd ≈ 9.5, so ±40 is > 4 sd.
        var sample = BaseSetSampler.Sample(Ids, 1000, seed: 3);
        var perTenth = Ids.Chunk(500).Select(chunk => chunk.Count(sample.Contains));
        Assert.All(perTenth, n => Assert.InRange(n, 60, 140));
    }

    [Fact]
    public void DuplicateIdsAreRefused() =>
        Assert.Throws<ArgumentException>(() => BaseSetSampler.Sample(new[] { "a", "b", "a" }, 1, 0));
}
