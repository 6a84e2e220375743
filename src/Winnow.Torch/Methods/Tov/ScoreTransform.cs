namespace Winnow.Torch.Methods.Tov;

/// <summary>The per-token map F in φ(x) = (1/T) Σ_t F(Δ_t) (methods.md §1).</summary>
public enum ScoreTransform
{
    /// <summary>F(y) = y: the mean improvement, equal to ℓ(θ,x) − ℓ(θ',x).</summary>
    Identity,

    /// <summary>F(y) = |y|: the largest change either way.</summary>
    Abs,

    /// <summary>F(y) = max(y, 0): improvements only.</summary>
    Positive,
}

public static class ScoreTransforms
{
    public static readonly ScoreTransform[] All = [ScoreTransform.Identity, ScoreTransform.Abs, ScoreTransform.Positive];

    public static string ColumnName(this ScoreTransform transform) => transform switch
    {
        ScoreTransform.Identity => "phi_identity",
        ScoreTransform.Abs => "phi_abs",
        ScoreTransform.Positive => "phi_positive",
        _ => throw new ArgumentOutOfRangeException(nameof(transform)),
    };

    public static ScoreTransform Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "identity" or "id" => ScoreTransform.Identity,
        "abs" => ScoreTransform.Abs,
        "positive" or "pos" => ScoreTransform.Positive,
        _ => throw new ArgumentException($"Unknown transform '{name}': expected identity, abs or positive.", nameof(name)),
    };

    /// <summary>
    /// φ for every transform from the per-token log-probabilities of one example under the base state θ and the
    /// validation-tuned state θ': Δ_t = log p_t(θ') − log p_t(θ). Returned in the order of <see cref="All"/>.
    /// </summary>
    public static double[] Phi(ReadOnlySpan<float> logProbBase, ReadOnlySpan<float> logProbVal) => Phi(logProbBase, logProbVal, default);

    /// <summary>
    /// As <see cref="Phi(ReadOnlySpan{float}, ReadOnlySpan{float})"/>, but with <paramref name="groups"/> (one small
    /// non-negative class id per token) each transform is averaged within each class first and then over the classes
    /// present (<see cref="TovAggregation.LabelBalanced"/>). Empty <paramref name="groups"/>: the plain mean.
    /// </summary>
    public static double[] Phi(ReadOnlySpan<float> logProbBase, ReadOnlySpan<float> logProbVal, ReadOnlySpan<int> groups)
    {
        if (!groups.IsEmpty) return GroupedPhi(logProbBase, logProbVal, groups);
        if (logProbBase.Length != logProbVal.Length)
            throw new ArgumentException($"Token counts differ between states: {logProbBase.Length} vs {logProbVal.Length}.");
        if (logProbBase.Length == 0) return [double.NaN, double.NaN, double.NaN];
        double id = 0, abs = 0, pos = 0;
        for (int t = 0; t < logProbBase.Length; t++)
        {
            double delta = (double)logProbVal[t] - logProbBase[t];
            id += delta;
            abs += Math.Abs(delta);
            pos += Math.Max(delta, 0);
        }
        int n = logProbBase.Length;
        return [id / n, abs / n, pos / n];
    }

    private static double[] GroupedPhi(ReadOnlySpan<float> logProbBase, ReadOnlySpan<float> logProbVal, ReadOnlySpan<int> groups)
    {
        if (logProbBase.Length != logProbVal.Length || groups.Length != logProbBase.Length)
            throw new ArgumentException($"Token counts differ: {logProbBase.Length} base, {logProbVal.Length} validation, {groups.Length} label classes.");
        if (logProbBase.Length == 0) return [double.NaN, double.NaN, double.NaN];
        int classes = 0;
        foreach (int g in groups)
        {
            if (g < 0) throw new ArgumentOutOfRangeException(nameof(groups), g, "Label classes must be >= 0.");
            classes = Math.Max(classes, g + 1);
        }
        var id = new double[classes];
        var abs = new double[classes];
        var pos = new double[classes];
        var count = new int[classes];
        for (int t = 0; t < logProbBase.Length; t++)
        {
            double delta = (double)logProbVal[t] - logProbBase[t];
            int g = groups[t];
            id[g] += delta;
            abs[g] += Math.Abs(delta);
            pos[g] += Math.Max(delta, 0);
            count[g]++;
        }
        double mid = 0, mabs = 0, mpos = 0;
        int present = 0;
        for (int g = 0; g < classes; g++)
        {
            if (count[g] == 0) continue;
            present++;
            mid += id[g] / count[g];
            mabs += abs[g] / count[g];
            mpos += pos[g] / count[g];
        }
        return [mid / present, mabs / present, mpos / present];
    }
}
