using TorchSharp;
using static TorchSharp.torch;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Methods.Less;

/// <summary>
/// The fixed random projection R ∈ {±1/√d}^(P×d) LESS applies to every gradient (TRAK's Rademacher projector in the
/// reference code). R is never held whole: rows are generated in blocks of <see cref="BlockRows"/>, block b from a
/// libtorch CPU generator seeded by a hash of (seed, b), so any shard, checkpoint or later run regenerates the same
/// matrix. Projecting G [n×P] is Σ_b G[:, block b] · R_b, one generated block at a time.
/// <para>
/// Why the estimate is good (the tolerance the tests use): for unit x, y and R with i.i.d. ±1/√d entries,
/// ⟨Rᵀx, Rᵀy⟩ is unbiased for ⟨x, y⟩ with variance (1 + ⟨x,y⟩² − 2Σᵢxᵢ²yᵢ²)/d ≤ 2/d, so σ ≤ √2/√d. It is a sum of d
/// independent terms, hence close to normal: |error| ≤ 4/√d ≈ 2.83σ holds for about 99.5% of pairs (Chebyshev alone
/// guarantees 87.5%). The tests ask for ≥ 95%.
/// </para>
/// </summary>
public sealed class RademacherProjector
{
    public RademacherProjector(long parameterCount, int dimension, long seed, int blockRows = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parameterCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        ParameterCount = parameterCount;
        Dimension = dimension;
        Seed = seed;
        BlockRows = blockRows;
    }

    public long ParameterCount { get; }
    public int Dimension { get; }
    public long Seed { get; }
    public int BlockRows { get; }
    public int BlockCount => (int)((ParameterCount + BlockRows - 1) / BlockRows);

    /// <summary>Rows [b·BlockRows, min(P, (b+1)·BlockRows)) of R, as float32 ±1/√d.</summary>
    public Tensor Block(int b)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(b, BlockCount);
        long start = (long)b * BlockRows;
        long rows = Math.Min(BlockRows, ParameterCount - start);
        using var scope = NewDisposeScope();
        using var generator = new Generator(BlockSeed(Seed, b), CPU);
        var bits = randint(0, 2, [rows, Dimension], dtype: ScalarType.Float32, generator: generator);
        // Held Scalars, not implicit temporaries (see Runtime/SafeScalars).
        using Scalar scale = SafeScalars.Owned(1.0 / Math.Sqrt(Dimension));
        return bits.mul_(SafeScalars.Of(2L)).sub_(SafeScalars.One).mul_(scale).MoveToOuterDisposeScope();
    }

    /// <summary>The whole P×d matrix; for tests and small cases only.</summary>
    public Tensor Matrix()
    {
        using var scope = NewDisposeScope();
        var blocks = Enumerable.Range(0, BlockCount).Select(Block).ToArray();
        return cat(blocks, 0).MoveToOuterDisposeScope();
    }

    /// <summary>G [n×P] (or [P]) times R, block by block; float32 [n×d] (or [d]).</summary>
    public Tensor Project(Tensor gradients)
    {
        bool single = gradients.dim() == 1;
        using var scope = NewDisposeScope();
        var g = single ? gradients.unsqueeze(0) : gradients;
        if (g.dim() != 2 || g.shape[1] != ParameterCount)
            throw new ArgumentException($"Expected gradients of length {ParameterCount}, got shape [{string.Join(", ", gradients.shape)}].", nameof(gradients));
        g = g.to_type(ScalarType.Float32);
        var result = zeros(g.shape[0], Dimension, dtype: ScalarType.Float32);
        using (no_grad())
        {
            for (int b = 0; b < BlockCount; b++)
            {
                using var blockScope = NewDisposeScope();
                long start = (long)b * BlockRows;
                long rows = Math.Min(BlockRows, ParameterCount - start);
                result.PlusInPlace(g.narrow(1, start, rows).matmul(Block(b)));
            }
        }
        return (single ? result.squeeze(0) : result).MoveToOuterDisposeScope();
    }

    /// <summary>Projects then L2-normalises each row (LESS normalises before matching, so influence is a cosine).</summary>
    public Tensor ProjectNormalized(Tensor gradients)
    {
        using var scope = NewDisposeScope();
        var projected = Project(gradients);
        int dim = (int)projected.dim() - 1;
        var norms = projected.norm(dim, keepdim: true).clamp_min(SafeScalars.Of(1e-12));
        return projected.div(norms).MoveToOuterDisposeScope();
    }

    /// <summary>SplitMix64 of (seed, block): well-spread generator seeds, stable across processes and platforms.</summary>
    public static ulong BlockSeed(long seed, int block)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)block + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
