namespace Winnow.Torch.Methods.Tov;

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
        _ => throw new ArgumentException($"Unknown transform '{name}': expected identity, abs or positive."),
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
        => PhiOfDeltas(Deltas(logProbBase, logProbVal), groups);

    /// <summary>Δ_t = log p_t(θ') − log p_t(θ), in double precision, per predicted token.</summary>
    public static double[] Deltas(ReadOnlySpan<float> logProbBase, ReadOnlySpan<float> logProbVal)
    {
        if (logProbBase.Length != logProbVal.Length)
            throw new ArgumentException($"Token counts differ between states: {logProbBase.Length} vs {logProbVal.Length}.");
        var deltas = new double[logProbBase.Length];
        for (int t = 0; t < deltas.Length; t++) deltas[t] = (double)logProbVal[t] - logProbBase[t];
        return deltas;
    }

    /// <summary>F(Δ) for one transform.</summary>
    public static double Apply(this ScoreTransform transform, double delta) => transform switch
    {
        ScoreTransform.Identity => delta,
        ScoreTransform.Abs => Math.Abs(delta),
        ScoreTransform.Positive => Math.Max(delta, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(transform)),
    };

    /// <summary>
    /// φ for every transform (in the order of <see cref="All"/>) from one example's per-token changes Δ_t: the plain
    /// mean of F(Δ_t), or with <paramref name="groups"/> the mean within each class, then over the classes present;
    /// with <paramref name="sum"/> the plain sum (<see cref="TovAggregation.Sum"/>; groups must then be empty).
    /// </summary>
    public static double[] PhiOfDeltas(ReadOnlySpan<double> deltas, ReadOnlySpan<int> groups, bool sum = false)
    {
        if (sum && !groups.IsEmpty) throw new ArgumentException("A summed φ has no label classes.", nameof(groups));
        if (!groups.IsEmpty && groups.Length != deltas.Length)
            throw new ArgumentException($"Token counts differ: {deltas.Length} changes, {groups.Length} label classes.");
        if (deltas.Length == 0) return [double.NaN, double.NaN, double.NaN];
        if (groups.IsEmpty)
        {
            double id = 0, abs = 0, pos = 0;
            foreach (double delta in deltas)
            {
                id += delta;
                abs += Math.Abs(delta);
                pos += Math.Max(delta, 0);
            }
            int n = sum ? 1 : deltas.Length;
            return [id / n, abs / n, pos / n];
        }
        return GroupedPhi(deltas, groups, MaxGroup(groups) + 1);
    }

    /// <summary>
    /// Each token's weight in φ = Σ_t w_t F(Δ_t): 1/T for the plain mean; with <paramref name="groups"/>,
    /// 1/(classes present × tokens of the token's class); the weights then sum to 1 (none for no token). With
    /// <paramref name="sum"/>, 1 for every token.
    /// </summary>
    public static double[] TokenWeights(int tokens, ReadOnlySpan<int> groups, bool sum = false)
    {
        if (sum && !groups.IsEmpty) throw new ArgumentException("A summed φ has no label classes.", nameof(groups));
        if (!groups.IsEmpty && groups.Length != tokens)
            throw new ArgumentException($"Token counts differ: {tokens} changes, {groups.Length} label classes.");
        var weights = new double[tokens];
        if (tokens == 0) return weights;
        if (groups.IsEmpty)
        {
            Array.Fill(weights, sum ? 1.0 : 1.0 / tokens);
            return weights;
        }
        var count = new int[MaxGroup(groups) + 1];
        foreach (int g in groups) count[g]++;
        int present = count.Count(c => c > 0);
        for (int t = 0; t < tokens; t++) weights[t] = 1.0 / ((double)present * count[groups[t]]);
        return weights;
    }

    private static int MaxGroup(ReadOnlySpan<int> groups)
    {
        int max = 0;
        foreach (int g in groups)
        {
            if (g < 0) throw new ArgumentOutOfRangeException(nameof(groups), g, "Label classes must be >= 0.");
            max = Math.Max(max, g);
        }
        return max;
    }

    private static double[] GroupedPhi(ReadOnlySpan<double> deltas, ReadOnlySpan<int> groups, int classes)
    {
        var id = new double[classes];
        var abs = new double[classes];
        var pos = new double[classes];
        var count = new int[classes];
        for (int t = 0; t < deltas.Length; t++)
        {
            double delta = deltas[t];
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
