namespace Winnow.Experiments;

/// <summary>
/// A method's gain over random in one study, from paired fine-tunes: for every (budget, seed) where both the method and
/// random finished, the % reduction in test log-loss against random's of the same budget and seed (same initialisation
/// and data order), then the mean over those pairs with a t-based 95% confidence interval (n − 1 degrees of freedom).
/// Pairing removes the seed-to-seed variation both share, so the interval is about the method, not the seeds.
/// <see cref="Low"/> and <see cref="High"/> are NaN with fewer than two pairs (no spread to estimate).
/// <see cref="Budgets"/> lists the method's budgets that found a pair, in order.
/// </summary>
public sealed record PairedGain(string Method, int Pairs, double Mean, double Low, double High, int Wins, IReadOnlyList<int> Budgets)
{
    public bool HasInterval => Pairs >= 2 && double.IsFinite(Low) && double.IsFinite(High);

    /// <summary>The interval lies above 0: the method lowers the loss against random beyond seed noise.</summary>
    public bool ClearlyAbove => HasInterval && Low > 0;

    /// <summary>The interval lies below 0.</summary>
    public bool ClearlyBelow => HasInterval && High < 0;

    /// <summary>
    /// The gain of <paramref name="method"/> in <paramref name="r"/> at <paramref name="budgets"/> (all the study's
    /// budgets when null); null when no (budget, seed) has both the method and random.
    /// </summary>
    public static PairedGain? Of(ExperimentResults r, string method, IReadOnlyCollection<int>? budgets = null) =>
        Against(r, method, StudyMethods.Random.Name, budgets);

    /// <summary>
    /// The paired gain of <paramref name="method"/> over <paramref name="baseline"/> (any method, e.g. the source-filter
    /// control): % reduction in test log-loss against the baseline's at the same budget and seed, mean and 95% CI.
    /// </summary>
    public static PairedGain? Against(ExperimentResults r, string method, string baseline, IReadOnlyCollection<int>? budgets = null) =>
        Against(r, method, baseline, budgets, 1);

    /// <summary>
    /// The paired gain of <paramref name="method"/> at budget n over random at budget 2n, same seed: whether its subset
    /// does better than twice as much random data (issue 14's "ToV at n better than random at 2n"). Null without pairs.
    /// </summary>
    public static PairedGain? OverDoubledRandom(ExperimentResults r, string method) => Against(r, method, StudyMethods.Random.Name, null, 2);

    private static PairedGain? Against(ExperimentResults r, string method, string baseline, IReadOnlyCollection<int>? budgets, int baselineFactor)
    {
        var reference = r.Cells.Concat(baselineFactor == 1 ? [] : r.BaselineCells).Where(c => c.Method == baseline && (budgets is null || budgets.Contains(c.Budget / baselineFactor)))
            .GroupBy(c => (c.Budget, c.Seed)).ToDictionary(g => g.Key, g => g.First().TestLoss);
        var pairs = r.Cells.Where(c => c.Method == method && reference.ContainsKey((c.Budget * baselineFactor, c.Seed)))
            .Select(c => (c.Budget, Reference: reference[(c.Budget * baselineFactor, c.Seed)], c.TestLoss))
            .Select(c => (c.Budget, Gain: (c.Reference - c.TestLoss) / c.Reference * 100)).ToList();
        if (pairs.Count == 0) return null;
        var (mean, low, high) = MeanInterval(pairs.Select(p => p.Gain).ToList());
        return new PairedGain(method, pairs.Count, mean, low, high, pairs.Count(p => p.Gain > 0), pairs.Select(p => p.Budget).Distinct().Order().ToArray());
    }

    /// <summary>Mean and t-based 95% confidence interval of <paramref name="values"/> (NaN bounds below two values).</summary>
    public static (double Mean, double Low, double High) MeanInterval(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        if (values.Count < 2) return (mean, double.NaN, double.NaN);
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        double half = StudentT975(values.Count - 1) * sd / Math.Sqrt(values.Count);
        return (mean, mean - half, mean + half);
    }

    // Two-sided 95% critical values of Student's t for 1..30 degrees of freedom (standard tables).
    private static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    /// <summary>
    /// The 97.5% quantile of Student's t with <paramref name="df"/> degrees of freedom: the table up to 30, then the
    /// Cornish–Fisher expansion around the normal quantile (within 1e-3 of the exact value from 30 on).
    /// </summary>
    public static double StudentT975(int df)
    {
        if (df < 1) return double.NaN;
        if (df <= T975.Length) return T975[df - 1];
        const double z = 1.959964;
        double z3 = z * z * z, z5 = z3 * z * z;
        return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
    }
}
