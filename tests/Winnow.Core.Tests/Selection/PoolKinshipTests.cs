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
    public void Each_target_rows_nearest_pool_rows_are_kept_nearest_first_and_a_copy_comes_first()
    {
        var target = Cluster(6, 8, centre: 0, noise: 1.0, seed: 8);
        var others = Cluster(20, 8, centre: 2, noise: 1.0, seed: 9);
        // Pool: 20 unrelated rows, then the six target rows in reverse order (rows 20..25).
        var pool = others.Concat(target.Reverse()).ToArray();
        var kinship = new PoolKinship(target, neighbours: 3);
        foreach (var rows in pool.Chunk(4)) kinship.Add(rows.SelectMany(r => r).ToArray());
        var nearest = kinship.NearestRows();
        Assert.Equal(6 * 3, nearest.Count);
        for (int t = 0; t < 6; t++)
        {
            Assert.Equal(25 - t, nearest[3 * t]);
            // The rest are in descending order of cosine, as a brute-force ranking gives them.
            var ranked = Enumerable.Range(0, pool.Length).OrderByDescending(j => pool[j].Zip(target[t], (a, b) => (double)a * b).Sum()).Take(3).ToArray();
            Assert.Equal(ranked.Select(j => (long)j), nearest.Skip(3 * t).Take(3));
        }
        // Without neighbours asked for, none are kept; fewer pool rows than k give as many as there are.
        var none = new PoolKinship(target);
        none.Add(pool.SelectMany(r => r).ToArray());
        Assert.Empty(none.NearestRows());
        var small = new PoolKinship(target, neighbours: 30);
        small.Add(pool.Take(5).SelectMany(r => r).ToArray());
        Assert.Equal(6 * 5, small.NearestRows().Count);
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new PoolKinship([new float[4]]));
        Assert.Throws<ArgumentException>(() => new PoolKinship([new float[4], new float[3]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoolKinship([new float[4], new float[4]], neighbours: -1));
        var kinship = new PoolKinship([new float[4], new float[4]]);
        Assert.Throws<InvalidOperationException>(() => kinship.NearerShare(0));
        Assert.Throws<ArgumentException>(() => kinship.Add(new float[6]));
    }
}
