using static TorchSharp.torch;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// Exact k-nearest-neighbour search in blocks: a query block × candidate block distance matrix
/// (‖q‖² + ‖x‖² − 2q·x, one matmul) at a time, merged into a running top-k per query. Memory is
/// O(queryBlock × (candidateBlock + k)) whatever N is, so millions of candidates never make an N×N (or m×N) matrix.
/// Distances are squared Euclidean; on unit vectors that is 2 − 2·cosine, so the ranking equals cosine's.
/// </summary>
public static class BlockedKnn
{
    public static KnnResult Search(
        Tensor queries, Tensor candidates, int k, int queryBlock = 1024, int candidateBlock = 16384, CancellationToken cancellationToken = default)
    {
        int m = checked((int)queries.shape[0]);
        int kk = Math.Min(k, checked((int)candidates.shape[0]));
        var distances = new float[m * kk];
        var indices = new long[m * kk];
        SearchBlocks(queries, candidates, k, queryBlock, candidateBlock, (start, d2, idx) =>
        {
            d2.data<float>().CopyTo(distances, start * kk);
            idx.data<long>().CopyTo(indices, start * kk);
        }, cancellationToken);
        return new KnnResult(m, kk, distances, indices);
    }

    /// <summary>
    /// Calls <paramref name="onBlock"/>(first query row, distances [b,K], indices [b,K]) once per query block, so a caller
    /// can reduce each block (e.g. to a kernel density) without holding every query's neighbour list.
    /// </summary>
    public static void SearchBlocks(
        Tensor queries, Tensor candidates, int k, int queryBlock, int candidateBlock, Action<int, Tensor, Tensor> onBlock,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queryBlock, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidateBlock, 1);
        if (queries.dim() != 2 || candidates.dim() != 2 || queries.shape[1] != candidates.shape[1])
            throw new ArgumentException($"queries [{string.Join(',', queries.shape)}] and candidates [{string.Join(',', candidates.shape)}] must be 2-D of one width.");
        long m = queries.shape[0], n = candidates.shape[0];
        if (n == 0) throw new ArgumentException("No candidates to search.", nameof(candidates));
        using var noGrad = no_grad();
        for (long qs = 0; qs < m; qs += queryBlock)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (NewDisposeScope())
            {
                var q = queries.narrow(0, qs, Math.Min(queryBlock, m - qs)).to(ScalarType.Float32);
                var (d2, idx) = TopKOverCandidates(q, candidates, k, candidateBlock, cancellationToken);
                onBlock(checked((int)qs), d2, idx);
            }
        }
    }

    /// <summary>Running top-k of one query block over every candidate block.</summary>
    private static (Tensor Distances, Tensor Indices) TopKOverCandidates(Tensor q, Tensor candidates, int k, int candidateBlock, CancellationToken cancellationToken)
    {
        long n = candidates.shape[0], b = q.shape[0];
        var qNorm = q.pow(SafeScalars.Of(2L)).sum(1, keepdim: true);
        Tensor? bestD = null, bestI = null;
        for (long cs = 0; cs < n; cs += candidateBlock)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long cn = Math.Min(candidateBlock, n - cs);
            using (NewDisposeScope())
            {
                var c = candidates.narrow(0, cs, cn).to(ScalarType.Float32);
                // Clamped: rounding can make a point's distance to itself slightly negative.
                var d2 = qNorm.Plus(c.pow(SafeScalars.Of(2L)).sum(1).unsqueeze(0)).sub(q.mm(c.t()).mul(SafeScalars.Of(2.0))).clamp_min(SafeScalars.Zero);
                var idx = arange(SafeScalars.Of(cs), SafeScalars.Of(cs + cn), SafeScalars.One, dtype: ScalarType.Int64).unsqueeze(0).expand(b, cn);
                if (bestD is not null)
                {
                    d2 = cat([bestD, d2], 1);
                    idx = cat([bestI!, idx], 1);
                }
                var (values, positions) = d2.topk((int)Math.Min(k, d2.shape[1]), dim: 1, largest: false, sorted: true);
                var previousD = bestD;
                var previousI = bestI;
                bestD = values.MoveToOuterDisposeScope();
                bestI = idx.gather(1, positions).MoveToOuterDisposeScope();
                // The superseded running lists live in the outer scope: free them now, not at the end of the query block.
                previousD?.Dispose();
                previousI?.Dispose();
            }
        }
        return (bestD!, bestI!);
    }
}
