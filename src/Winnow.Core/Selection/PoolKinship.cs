using System.Numerics;

namespace Winnow.Core.Selection;

/// <summary>
/// Whether a pool holds rows of the target's kind, from embeddings alone (docs/tov-defaults.md, "Target-weighted bins
/// where the pool holds the target's kind"): the target is split at random into two halves, and the share of target
/// rows whose nearest pool row is nearer (cosine) than every row of the other half is measured. At
/// <see cref="Threshold"/> or above, most of the target's rows have a pool row more like them than the target's own
/// other rows, and the pool is taken to hold the target's kind.
/// <para>
/// It also keeps each target row's nearest pool rows (<see cref="NearestRows"/>), whose lengths
/// <see cref="BinWeights.Neighbours"/> weights the length bins by (docs/tov-defaults.md, "Length bins weighted by the
/// target's nearest pool rows").
/// </para>
/// <para>
/// The pool is streamed (<see cref="Add"/> a chunk at a time): only the target's vectors and the k nearest rows per
/// target row (at least the nearest) are held, so a pool of any size costs one pass.
/// </para>
/// </summary>
public sealed class PoolKinship
{
    /// <summary>The share at or above which target-weighted bins are chosen: a majority of the target's rows.</summary>
    public const double Threshold = 0.5;

    private readonly float[][] _target;
    // Each target row's nearest pool rows, nearest first: at least one (the nearest, which the share needs), at most
    // max(1, neighbours).
    private readonly List<(double Similarity, long Row)>[] _nearest;
    private readonly int _neighbours;
    private readonly int _keep;
    private long _poolRows;

    /// <param name="target">The target's embeddings, one unit-length vector a row (cosine is their dot product).</param>
    /// <param name="neighbours">How many nearest pool rows to keep for each target row (0: none).</param>
    public PoolKinship(IReadOnlyList<float[]> target, int neighbours = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(neighbours);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Count < 2) throw new ArgumentException($"The pool-kinship test splits the target in two; it has {target.Count} rows.");
        int dim = target[0].Length;
        if (target.Any(v => v.Length != dim)) throw new ArgumentException("The target's embeddings differ in width.");
        _target = target.ToArray();
        _neighbours = neighbours;
        _keep = Math.Max(1, neighbours);
        _nearest = _target.Select(_ => new List<(double, long)>(_keep + 1)).ToArray();
    }

    /// <summary>Pool rows seen so far.</summary>
    public long PoolRows => _poolRows;

    /// <summary>Adds pool rows: <paramref name="vectors"/> holds them one after another, each as wide as the target's.</summary>
    public void Add(ReadOnlySpan<float> vectors)
    {
        int dim = _target[0].Length;
        if (vectors.Length % dim != 0) throw new ArgumentException($"A chunk of {vectors.Length} values is not whole rows of {dim}.");
        for (int offset = 0; offset < vectors.Length; offset += dim)
        {
            var row = vectors.Slice(offset, dim);
            for (int t = 0; t < _target.Length; t++)
                Keep(_nearest[t], Dot(_target[t], row), _poolRows);
            _poolRows++;
        }
    }

    /// <summary>
    /// The share of target rows, over both halves of a random split by <paramref name="seed"/>, whose nearest pool row
    /// is nearer than every row of the other half (a tie counts against the pool).
    /// </summary>
    public double NearerShare(int seed)
    {
        if (_poolRows == 0) throw new InvalidOperationException("No pool rows were added.");
        int n = _target.Length;
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        var half = new int[n];
        for (int i = 0; i < n; i++) half[order[i]] = i < n / 2 ? 0 : 1;
        int nearer = 0;
        for (int i = 0; i < n; i++)
        {
            double nearestOther = double.NegativeInfinity;
            for (int j = 0; j < n; j++)
                if (half[j] != half[i]) nearestOther = Math.Max(nearestOther, Dot(_target[i], _target[j]));
            if (_nearest[i][0].Similarity > nearestOther) nearer++;
        }
        return (double)nearer / n;
    }

    /// <summary>
    /// Each target row's nearest pool rows (their 0-based positions in the order they were added), nearest first, target
    /// row after target row: up to k a row, fewer only while the pool has fewer rows. A tie keeps the earlier row.
    /// </summary>
    public IReadOnlyList<long> NearestRows() => _neighbours == 0 ? [] : _nearest.SelectMany(n => n.Select(x => x.Row)).ToArray();

    /// <summary>Inserts (s, row) into a list kept sorted by similarity, descending, and at most <see cref="_keep"/> long.</summary>
    private void Keep(List<(double Similarity, long Row)> nearest, double s, long row)
    {
        if (nearest.Count == _keep && s <= nearest[^1].Similarity) return;
        int at = nearest.Count;
        while (at > 0 && nearest[at - 1].Similarity < s) at--;
        nearest.Insert(at, (s, row));
        if (nearest.Count > _keep) nearest.RemoveAt(nearest.Count - 1);
    }

    /// <summary>Whether <paramref name="share"/> (<see cref="NearerShare"/>) says the pool holds the target's kind.</summary>
    public static bool HoldsTargetKind(double share) => share >= Threshold;

    /// <summary>
    /// Why an <c>auto</c> setting decided as it did, for progress lines: the share against <see cref="Threshold"/>, or
    /// that the fit did not measure it (null).
    /// </summary>
    public static string Describe(double? share) => share is { } s
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"pool nearer share {s:0.00} {(HoldsTargetKind(s) ? ">=" : "<")} {Threshold:0.0}")
        : "the fit did not measure the pool's kinship";

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int width = Vector<float>.Count, i = 0;
        var sum = Vector<float>.Zero;
        for (; i <= a.Length - width; i += width)
            sum += new Vector<float>(a.Slice(i, width)) * new Vector<float>(b.Slice(i, width));
        float total = Vector.Sum(sum);
        for (; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }
}
