using Winnow.Torch.Methods.Less;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Methods.Less;

public sealed class LessProjectionTests
{
    private static Tensor UnitRows(int n, long p, int seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        var x = randn(n, p, generator: generator);
        return x.div(x.norm(1, keepdim: true));
    }

    /// <summary>
    /// For unit x, y the error of ⟨Rᵀx, Rᵀy⟩ has σ ≤ √2/√d (see <see cref="RademacherProjector"/>); 4/√d ≈ 2.83σ, so
    /// about 99.5% of pairs fall within it under the normal approximation. We ask for ≥ 95%.
    /// </summary>
    [Fact]
    public void Projection_preserves_inner_products_within_the_JL_tolerance()
    {
        const int d = 2048;
        const long p = 3000;
        using var scope = NewDisposeScope();
        var x = UnitRows(40, p, 1);
        // Half the pairs correlated, so the test covers large inner products too.
        var y = UnitRows(40, p, 2).mul(0.5).add(x.mul(0.8));
        y = y.div(y.norm(1, keepdim: true));
        var projector = new RademacherProjector(p, d, seed: 7, blockRows: 512);
        var px = projector.Project(x);
        var py = projector.Project(y);
        var exact = x.mul(y).sum(1);
        var estimated = px.mul(py).sum(1);
        var errors = estimated.sub(exact).abs().data<float>().ToArray();
        double tolerance = 4 / Math.Sqrt(d);
        double within = errors.Count(e => e <= tolerance) / (double)errors.Length;
        Assert.True(within >= 0.95, $"{within:P0} of pairs within {tolerance:F4}; errors max {errors.Max():F4}");
        Assert.InRange(exact.data<float>().ToArray().Max(), 0.7, 1.0);
    }

    [Fact]
    public void Regenerated_projection_is_identical_and_blockwise_equals_one_shot()
    {
        using var scope = NewDisposeScope();
        const long p = 1000;
        var g = UnitRows(5, p, 3);
        var first = new RademacherProjector(p, 64, seed: 11, blockRows: 128);
        var second = new RademacherProjector(p, 64, seed: 11, blockRows: 128);
        Assert.True(first.Matrix().eq(second.Matrix()).all().item<bool>());
        Assert.True(first.Block(3).eq(second.Block(3)).all().item<bool>());

        // Shard consistency: each shard projects its own rows with a projector of its own.
        var together = first.Project(g);
        var shards = cat([second.Project(g.narrow(0, 0, 2)), new RademacherProjector(p, 64, 11, 128).Project(g.narrow(0, 2, 3))], 0);
        Assert.True(together.allclose(shards, rtol: 1e-5, atol: 1e-6));

        var oneShot = g.matmul(first.Matrix());
        Assert.True(together.allclose(oneShot, rtol: 1e-4, atol: 1e-5));

        var matrix = first.Matrix().data<float>().ToArray();
        Assert.All(matrix, v => Assert.Equal(1 / Math.Sqrt(64), Math.Abs(v), 6));
        Assert.InRange(matrix.Count(v => v > 0) / (double)matrix.Length, 0.45, 0.55);
        Assert.False(new RademacherProjector(p, 64, seed: 12, blockRows: 128).Matrix().eq(first.Matrix()).all().item<bool>());
        Assert.False(first.Block(0).eq(first.Block(1).narrow(0, 0, 128)).all().item<bool>());
    }

    [Fact]
    public void Normalized_projection_has_unit_rows()
    {
        using var scope = NewDisposeScope();
        var g = UnitRows(4, 300, 5).mul(17);
        var projected = new RademacherProjector(300, 32, seed: 0).ProjectNormalized(g);
        Assert.True(projected.norm(1).allclose(ones(4), atol: 1e-5));
    }

    [Fact]
    public void Feature_file_round_trips_fp16_and_has_n_times_d_times_2_bytes()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.Delete(path);
            var values = Enumerable.Range(0, 3 * 8).Select(i => (float)Math.Sin(i)).ToArray();
            Assert.Equal(3 * 8 * 2, FeatureFile.Append(path, values, 8));
            FeatureFile.Append(path, values[..8], 8);
            Assert.Equal(4 * 8 * 2, new FileInfo(path).Length);
            Assert.Equal(4, FeatureFile.Rows(path, 8));
            var back = FeatureFile.Read(path, 8, 1, 2);
            for (int i = 0; i < back.Length; i++) Assert.Equal(FeatureFile.Round(values[8 + i]), back[i]);
            Assert.All(back.Zip(values[8..24]), p => Assert.Equal(p.Second, p.First, 2));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
