using Winnow.Torch.Methods.Tsds;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Methods.Tsds;

/// <summary>The TSDS algorithm on constructed vectors: blocked kNN, kernel density, allocation, sampling.</summary>
public sealed class TsdsAlgorithmTests
{
    private static float[] RandomUnitRows(int rows, int dim, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * dim];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        for (int r = 0; r < rows; r++) Normalise(values.AsSpan(r * dim, dim));
        return values;
    }

    private static void Normalise(Span<float> row)
    {
        double sum = 0;
        foreach (var v in row) sum += v * v;
        for (int i = 0; i < row.Length; i++) row[i] = (float)(row[i] / Math.Sqrt(sum));
    }

    /// <summary>Brute force in doubles: all squared distances, sorted.</summary>
    private static (double[] D2, long[] Index) BruteForce(float[] q, float[] x, int dim, int k)
    {
        int m = q.Length / dim, n = x.Length / dim;
        var d2 = new double[m * k];
        var index = new long[m * k];
        for (int j = 0; j < m; j++)
        {
            var all = Enumerable.Range(0, n).Select(i =>
            {
                double s = 0;
                for (int t = 0; t < dim; t++) s += Math.Pow(q[j * dim + t] - x[i * dim + t], 2);
                return (D: s, I: (long)i);
            }).OrderBy(e => e.D).Take(k).ToArray();
            for (int r = 0; r < k; r++) (d2[j * k + r], index[j * k + r]) = all[r];
        }
        return (d2, index);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 13)]
    [InlineData(16, 64)]
    [InlineData(5, 1000)]
    [InlineData(100, 37)]
    public void Blocked_knn_equals_brute_force(int queryBlock, int candidateBlock)
    {
        const int dim = 12, m = 23, n = 211, k = 17;
        var q = RandomUnitRows(m, dim, 1);
        var x = RandomUnitRows(n, dim, 2);
        using var scope = NewDisposeScope();
        var result = BlockedKnn.Search(tensor(q, [m, dim]), tensor(x, [n, dim]), k, queryBlock, candidateBlock);
        var (d2, index) = BruteForce(q, x, dim, k);
        Assert.Equal(k, result.K);
        Assert.Equal(index, result.Indices);
        for (int i = 0; i < d2.Length; i++) Assert.Equal(d2[i], result.SquaredDistances[i], 4);
    }

    [Fact]
    public void Knn_clamps_k_to_the_pool()
    {
        var q = RandomUnitRows(3, 4, 5);
        var x = RandomUnitRows(6, 4, 6);
        using var scope = NewDisposeScope();
        var result = BlockedKnn.Search(tensor(q, [3, 4]), tensor(x, [6, 4]), 50, 2, 4);
        Assert.Equal(6, result.K);
        for (int j = 0; j < 3; j++) Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), result.Indices.Skip(j * 6).Take(6).Order());
    }

    private static TsdsOptions Small(double alpha = 0.5, double sigma = 0.75) => new()
    {
        Alpha = alpha, Sigma = sigma, MaxNeighbours = 64, KdeNeighbours = 16, QueryBlock = 7, CandidateBlock = 50,
    };

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Probabilities_sum_to_one(double alpha)
    {
        var result = TsdsComputation.Compute(RandomUnitRows(20, 8, 3), RandomUnitRows(300, 8, 4), 8, Small(alpha));
        Assert.Equal(300, result.Probabilities.Length);
        Assert.Equal(1.0, result.Probabilities.Sum(), 9);
        Assert.All(result.Probabilities, p => Assert.True(p >= 0));
    }

    [Fact]
    public void A_duplicated_candidate_gets_less_mass_than_a_unique_one_at_the_same_distance()
    {
        const float t = 0.3f;
        float c = MathF.Cos(t), s = MathF.Sin(t);
        // A twice, B once, all at angle t from the query; A–B distance √2·sin t ≈ 0.42 > σ = 0.3, so only A's copies are near-duplicates.
        float[] query = [1, 0, 0, 0];
        float[] pool =
        [
            c, s, 0, 0,   // A
            c, s, 0, 0,   // A again
            c, 0, s, 0,   // B
            -1, 0, 0, 0,  // far
            0, 0, 0, 1,   // far
        ];
        var options = new TsdsOptions { Alpha = 0.1, Sigma = 0.3, MaxNeighbours = 5, KdeNeighbours = 5 };
        var result = TsdsComputation.Compute(query, pool, 4, options);
        var p = result.Probabilities;
        Assert.Equal(2.0, result.Density[0], 5);
        Assert.Equal(1.0, result.Density[2], 5);
        Assert.True(p[0] < p[2], $"duplicate {p[0]} vs unique {p[2]}");
        Assert.Equal(p[0], p[1], 9);
        Assert.Equal(p[2], p[0] + p[1], 6);
        Assert.Equal(1.0, p.Sum(), 9);
    }

    [Fact]
    public void Without_kde_duplicates_are_not_discounted()
    {
        float[] query = [1, 0];
        float[] pool = [0.9f, 0.43589f, 0.9f, 0.43589f, 0.9f, -0.43589f, -1, 0];
        var result = TsdsComputation.Compute(query, pool, 2, new TsdsOptions { Alpha = 0.1, Sigma = 0, MaxNeighbours = 4, KdeNeighbours = 4 });
        Assert.Equal(result.Probabilities[0], result.Probabilities[2], 6);
    }

    private static double Entropy(double[] p) => -p.Where(v => v > 0).Sum(v => v * Math.Log(v));

    [Fact]
    public void Larger_alpha_concentrates_mass_on_fewer_candidates()
    {
        var target = RandomUnitRows(10, 6, 7);
        var pool = RandomUnitRows(400, 6, 8);
        var results = new[] { 0.05, 0.3, 0.6, 0.9, 0.99 }.Select(a => TsdsComputation.Compute(target, pool, 6, Small(a))).ToArray();
        for (int i = 1; i < results.Length; i++)
        {
            Assert.True(results[i].Allocation.Support <= results[i - 1].Allocation.Support);
            Assert.True(Entropy(results[i].Probabilities) <= Entropy(results[i - 1].Probabilities) + 1e-9);
        }
        Assert.True(results[^1].Allocation.Support < results[0].Allocation.Support);
        Assert.True(results[^1].Allocation.StoppedByCost);
    }

    [Fact]
    public void Allocation_matches_a_hand_worked_case()
    {
        // One query, neighbours at 0.1, 0.2, 0.4, ρ = 1: pops at counts 1 (cost 0.2·1 − 0.1 = 0.1) and 2 (cost 0.4·2 − 0.3 = 0.5).
        // α = 0.5, C = 0.3: (α/C)·0.1 ≈ 0.17 < 0.5 grows; (α/C)·0.5 ≈ 0.83 ≥ 0.5 stops at s = 2 with lastK = 0:
        // the nearest gets 1/(1·2·1) = 0.5, the second the remaining 0.5.
        var a = TsdsAllocator.Allocate(1, 3, [0.1, 0.2, 0.4], [0, 1, 2], [1, 1, 1], 3, 0.5, 0.3);
        Assert.True(a.StoppedByCost);
        Assert.Equal(2.0, a.Level, 12);
        Assert.Equal([0.5, 0.5, 0.0], a.Probabilities);
    }

    [Fact]
    public void A_one_row_pool_gets_all_mass()
    {
        var result = TsdsComputation.Compute(RandomUnitRows(3, 4, 1), RandomUnitRows(1, 4, 2), 4, new TsdsOptions());
        Assert.Equal([1.0], result.Probabilities);
    }

    [Fact]
    public void Computation_is_deterministic()
    {
        var target = RandomUnitRows(12, 8, 21);
        var pool = RandomUnitRows(250, 8, 22);
        var a = TsdsComputation.Compute(target, pool, 8, Small());
        Assert.Equal(a.Probabilities, TsdsComputation.Compute(target, pool, 8, Small()).Probabilities);
        // Other block sizes change only the matmuls' float rounding, not the neighbours or the allocation.
        var b = TsdsComputation.Compute(target, pool, 8, Small() with { QueryBlock = 3, CandidateBlock = 11 });
        for (int i = 0; i < a.Probabilities.Length; i++) Assert.Equal(a.Probabilities[i], b.Probabilities[i], 6);
    }

    [Fact]
    public void Sampling_with_replacement_is_seeded_and_counts_distinct_rows()
    {
        double[] p = [0.5, 0, 0.25, 0.25];
        var a = TsdsSampler.WithReplacement(p, 200, seed: 4);
        var b = TsdsSampler.WithReplacement(p, 200, seed: 4);
        Assert.Equal(a.Draws, b.Draws);
        Assert.Equal(200, a.Counts.Sum());
        Assert.DoesNotContain(1, a.Distinct);
        Assert.Equal(3, a.DistinctCount);
        Assert.InRange(a.Counts[0], 70, 130);
        var without = TsdsSampler.WithoutReplacement(p, 10, seed: 4);
        Assert.Equal([0, 2, 3], without.Order());
        Assert.Equal(without, TsdsSampler.WithoutReplacement(p, 10, seed: 4));
    }

    [Fact]
    public void Options_are_validated_and_read_from_settings()
    {
        var o = TsdsOptions.FromSettings(new Dictionary<string, string> { ["alpha"] = "0.7", ["C"] = "2", ["embedder"] = "hashed", ["max-neighbours"] = "10" }, seed: 3);
        Assert.Equal(0.7, o.Alpha);
        Assert.Equal(2.0, o.CostScale);
        Assert.Equal(TsdsEmbedderKind.Hashed, o.Embedder);
        Assert.Equal(10, o.MaxNeighbours);
        Assert.Equal(3, o.Seed);
        Assert.Contains("alpha", Assert.Throws<ArgumentException>(() => new TsdsOptions { Alpha = 1 }.Validate()).Message);
        Assert.Contains("sigma", Assert.Throws<ArgumentException>(() => new TsdsOptions { Sigma = -1 }.Validate()).Message);
        Assert.Throws<ArgumentException>(() => TsdsOptions.FromSettings(new Dictionary<string, string> { ["alhpa"] = "0.5" }));
    }

    [Fact]
    public void Embedding_files_round_trip_in_fp32_and_fp16()
    {
        using var dir = new TempDir();
        var values = RandomUnitRows(5, 3, 9);
        foreach (bool half in new[] { false, true })
        {
            var path = Path.Combine(dir.Path, half ? "h.emb" : "f.emb");
            long bytes;
            using (var writer = new EmbeddingFileWriter(path, 3, half))
            {
                writer.Append(values.AsSpan(0, 6));
                writer.Append(values.AsSpan(6));
                bytes = writer.Complete();
            }
            Assert.Equal(EmbeddingFileWriter.HeaderBytes + 15 * (half ? 2 : 4), bytes);
            var (read, rows, dim) = EmbeddingFileWriter.ReadAll(path);
            Assert.Equal((5, 3), (rows, dim));
            for (int i = 0; i < values.Length; i++) Assert.Equal(values[i], read[i], half ? 2 : 6);
        }
    }
}
