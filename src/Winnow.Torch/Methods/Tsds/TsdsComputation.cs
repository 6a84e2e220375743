using static TorchSharp.torch;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// TSDS from embeddings: exact kNN of each target query among the pool, kernel densities of the retrieved candidates
/// among the whole pool, then <see cref="TsdsAllocator"/>. Memory: the pool's embeddings (N × d fp32, e.g. 2 GB for
/// 1M × 512) plus the query neighbour lists (m × K distances and indices) and one search block; never N × N.
/// </summary>
public static class TsdsComputation
{
    /// <param name="target">m × d unit rows, row-major.</param>
    /// <param name="pool">N × d unit rows, row-major.</param>
    public static TsdsResult Compute(
        float[] target, float[] pool, int dimension, TsdsOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (target.Length == 0 || target.Length % dimension != 0) throw new ArgumentException("The target needs at least one whole row.", nameof(target));
        if (pool.Length == 0 || pool.Length % dimension != 0) throw new ArgumentException("The pool needs at least one whole row.", nameof(pool));
        int m = target.Length / dimension, n = pool.Length / dimension;
        using var scope = NewDisposeScope();
        var queries = tensor(target, [m, dimension]);
        var candidates = tensor(pool, [n, dimension]);

        int k = Math.Min(options.MaxNeighbours, n);
        var knn = BlockedKnn.Search(queries, candidates, k, options.QueryBlock, options.CandidateBlock, cancellationToken);
        progress?.Report($"tsds: {k} nearest of {n} pool rows found for {m} target queries");

        int kdeK = Math.Min(options.KdeNeighbours, n);
        var density = Densities(candidates, knn.Indices, kdeK, options, cancellationToken);
        var distances = new double[knn.SquaredDistances.Length];
        var densities = new double[distances.Length];
        for (int i = 0; i < distances.Length; i++)
        {
            distances[i] = Math.Sqrt(knn.SquaredDistances[i]);
            densities[i] = density[knn.Indices[i]];
        }
        var allocation = TsdsAllocator.Allocate(m, knn.K, distances, knn.Indices, densities, n, options.Alpha, options.CostScale);
        progress?.Report($"tsds: mass on {allocation.Support} pool rows (level s = {allocation.Level:G4}, mean neighbourhood {allocation.NeighbourhoodSizes.Average():F1})");
        return new TsdsResult(allocation, density, k, kdeK);
    }

    /// <summary>
    /// ρ(x) = Σ over x's <paramref name="kdeK"/> nearest pool rows (itself included) of max(0, 1 − d²/σ²), for the pool
    /// rows that some query retrieved; 1 everywhere when σ = 0. (The reference searches only among the retrieved rows;
    /// the paper's ρ, and this, search the whole pool, so a near-duplicate outside every neighbourhood still counts.)
    /// </summary>
    internal static double[] Densities(Tensor candidates, long[] retrieved, int kdeK, TsdsOptions options, CancellationToken cancellationToken)
    {
        int n = checked((int)candidates.shape[0]);
        var density = new double[n];
        Array.Fill(density, double.NaN);
        var rows = retrieved.Distinct().Order().ToArray();
        if (options.Sigma == 0)
        {
            foreach (var r in rows) density[r] = 1;
            return density;
        }
        double inverseSigma2 = 1 / (options.Sigma * options.Sigma);
        using var scope = NewDisposeScope();
        var points = candidates.index_select(0, tensor(rows));
        BlockedKnn.SearchBlocks(points, candidates, kdeK, options.QueryBlock, options.CandidateBlock, (start, d2, _) =>
        {
            var sums = d2.mul(SafeScalars.Of(-inverseSigma2)).Plus(SafeScalars.One).clamp_min(SafeScalars.Zero).sum(1, type: ScalarType.Float64).data<double>().ToArray();
            // The point itself is at distance 0 (kernel 1); clamping guards against fp rounding pushing ρ below 1.
            for (int i = 0; i < sums.Length; i++) density[rows[start + i]] = Math.Max(1.0, sums[i]);
        }, cancellationToken);
        return density;
    }
}
