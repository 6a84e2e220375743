using Winnow.Core.Selection;

namespace Winnow.Core.Tests.Selection;

public sealed class PoolKinshipTests
{
    /// <summary>Unit vectors in <paramref name="dim"/> dimensions, spread at random around <paramref name="centre"/> by <paramref name="noise"/>.</summary>
    private static float[][] Cluster(int count, int dim, int centre, double noise, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var v = Enumerable.Range(0, dim).Select(d => (float)((d == centre ? 1.0 : 0.0) + noise * (random.NextDouble() - 0.5))).ToArray();
            float norm = MathF.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        }).ToArray();
    }

    private static PoolKinship Measure(float[][] target, IEnumerable<float[]> pool, int chunk = 7)
    {
        var kinship = new PoolKinship(target);
        foreach (var rows in pool.Chunk(chunk)) kinship.Add(rows.SelectMany(r => r).ToArray());
        return kinship;
    }

    [Fact]
    public void A_pool_with_copies_of_the_target_holds_its_kind_and_an_unrelated_pool_does_not()
    {
        var target = Cluster(40, 16, centre: 0, noise: 0.6, seed: 1);
        var unrelated = Cluster(300, 16, centre: 5, noise: 0.6, seed: 2);

        // Every target row's copy is nearer than any other target row can be (cosine 1).
        double withCopies = Measure(target, unrelated.Concat(target)).NearerShare(seed: 0);
        Assert.Equal(1.0, withCopies);
        Assert.True(PoolKinship.HoldsTargetKind(withCopies));

        double far = Measure(target, unrelated).NearerShare(seed: 0);
        Assert.Equal(0.0, far);
        Assert.False(PoolKinship.HoldsTargetKind(far));

        // Rows of the target's own distribution, as many as the target: about half of the target's rows find one nearer
        // than the other half's nearest — neither end.
        double same = Measure(target, Cluster(40, 16, centre: 0, noise: 0.6, seed: 3)).NearerShare(seed: 0);
        Assert.InRange(same, 0.2, 0.95);
    }

    [Fact]
    public void The_share_does_not_depend_on_how_the_pool_is_chunked_and_repeats_for_a_seed()
    {
        var target = Cluster(30, 12, centre: 0, noise: 1.0, seed: 4);
        var pool = Cluster(200, 12, centre: 0, noise: 1.4, seed: 5).Concat(Cluster(200, 12, centre: 3, noise: 1.0, seed: 6)).ToArray();
        var one = Measure(target, pool, chunk: 400);
        var many = Measure(target, pool, chunk: 3);
        Assert.Equal(400, many.PoolRows);
        Assert.Equal(one.NearerShare(7), many.NearerShare(7));
        Assert.Equal(one.NearerShare(7), one.NearerShare(7));
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new PoolKinship([new float[4]]));
        Assert.Throws<ArgumentException>(() => new PoolKinship([new float[4], new float[3]]));
        var kinship = new PoolKinship([new float[4], new float[4]]);
        Assert.Throws<InvalidOperationException>(() => kinship.NearerShare(0));
        Assert.Throws<ArgumentException>(() => kinship.Add(new float[6]));
    }
}
