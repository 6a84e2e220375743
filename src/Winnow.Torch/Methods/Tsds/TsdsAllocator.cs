namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// Turns each target query's sorted neighbour list (L2 distances, pool indices, the neighbours' kernel densities ρ)
/// into the TSDS distribution p over the pool.
///
/// Reading of the rule, following the reference code (ZifanL/TSDS tsds.py) — the paper's closed form solved greedily:
/// every query j spreads its mass 1/m over a prefix of its neighbours, the i-th getting mass ∝ 1/ρ_i (near-duplicates
/// share one slot). A single water level s is shared by all queries: a neighbour gets 1/(m·s·ρ_i) and a query whose
/// prefix weight Σ 1/ρ_i reaches s stops growing there, the next neighbour taking the remainder. s is raised by
/// popping, from a min-heap keyed on each query's prefix weight, the query whose next neighbour would be the cheapest
/// to add. When s is raised past query j's prefix k, all of the prefix's mass has to move a bit towards neighbour k+1,
/// whose marginal transport cost is cost_j = d_{k+1}·Σ_{i≤k} 1/ρ_i − Σ_{i≤k} d_i/ρ_i. Growth stops as soon as
/// (α/C)·Σ_j cost_j ≥ (1−α)·m, i.e. once the marginal alignment (optimal-transport) cost weighted by α/C outweighs the
/// marginal diversity gain weighted by (1−α); until then neighbourhoods keep growing up to the neighbour cap.
/// Larger α (or smaller C) stops earlier: mass concentrates on fewer, closer candidates.
/// </summary>
public static class TsdsAllocator
{
    /// <param name="distances">L2 (not squared) distances, <c>m × k</c>, each row ascending.</param>
    /// <param name="indices">Pool rows of the neighbours, <c>m × k</c>.</param>
    /// <param name="densities">ρ of each neighbour, <c>m × k</c>, each ≥ 1 (1 everywhere turns the near-duplicate weighting off).</param>
    public static TsdsAllocation Allocate(
        int queries, int k, ReadOnlySpan<double> distances, ReadOnlySpan<long> indices, ReadOnlySpan<double> densities, int poolSize, double alpha, double costScale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (distances.Length != queries * k || indices.Length != queries * k || densities.Length != queries * k)
            throw new ArgumentException("distances, indices and densities must each hold queries × k values.");
        var p = new double[poolSize];
        if (k == 1) return NearestOnly(queries, indices, p);

        var lastK = new int[queries];
        var cost = new double[queries];
        var weightedDistance = new double[queries];
        // Ties broken as Python's tuple heap does: by count, then position, then query.
        var heap = new PriorityQueue<(int K, int J), (double Count, int K, int J)>();
        for (int j = 0; j < queries; j++)
        {
            heap.Enqueue((0, j), (1.0 / densities[j * k], 0, j));
            weightedDistance[j] = distances[j * k] / densities[j * k];
        }

        double s = 0, total = 0, threshold = (1 - alpha) * queries, weight = alpha / costScale;
        bool stopped = false;
        while (heap.TryDequeue(out var item, out var priority))
        {
            var (count, position, j) = priority;
            s = count;
            total -= cost[j];
            cost[j] = distances[j * k + position + 1] * count - weightedDistance[j];
            total += cost[j];
            if (weight * total >= threshold)
            {
                stopped = true;
                break;
            }
            lastK[j] = position;
            if (position < k - 2)
            {
                int next = j * k + position + 1;
                heap.Enqueue((position + 1, j), (count + 1.0 / densities[next], position + 1, j));
                weightedDistance[j] += distances[next] / densities[next];
            }
        }

        var sizes = Spread(queries, k, indices, densities, lastK, s, p);
        return new TsdsAllocation(p, s, sizes, total, stopped);
    }

    /// <summary>Each query's full prefix at level s, the remainder of its 1/m to the next neighbour.</summary>
    private static int[] Spread(int queries, int k, ReadOnlySpan<long> indices, ReadOnlySpan<double> densities, int[] lastK, double s, double[] p)
    {
        var sizes = new int[queries];
        double share = 1.0 / queries;
        for (int j = 0; j < queries; j++)
        {
            double given = 0;
            for (int i = 0; i <= lastK[j]; i++)
            {
                double mass = share / s / densities[j * k + i];
                p[indices[j * k + i]] += mass;
                given += mass;
            }
            double rest = Math.Max(share - given, 0);
            p[indices[j * k + lastK[j] + 1]] += rest;
            sizes[j] = lastK[j] + 1 + (rest > 0 ? 1 : 0);
        }
        return sizes;
    }

    private static TsdsAllocation NearestOnly(int queries, ReadOnlySpan<long> indices, double[] p)
    {
        for (int j = 0; j < queries; j++) p[indices[j]] += 1.0 / queries;
        return new TsdsAllocation(p, 1, Enumerable.Repeat(1, queries).ToArray(), 0, false);
    }
}
