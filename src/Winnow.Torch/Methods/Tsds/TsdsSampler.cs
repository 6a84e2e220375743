namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// Draws from the TSDS distribution. The reference samples n with replacement (a multinomial), so a subset of n draws
/// holds fewer than n distinct examples; <see cref="WithReplacement"/> reports both so an experiment can count the
/// distinct ones (or repeat examples in training). <see cref="WithoutReplacement"/> matches what the shared selector's
/// Sample strategy does.
/// </summary>
public static class TsdsSampler
{
    public static TsdsSample WithReplacement(IReadOnlyList<double> probabilities, int n, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var cumulative = Cumulative(probabilities);
        double total = cumulative[^1];
        var random = new Random(seed);
        var draws = new int[n];
        for (int i = 0; i < n; i++)
        {
            double u = random.NextDouble() * total;
            int at = Array.BinarySearch(cumulative, u);
            at = at >= 0 ? at + 1 : ~at;
            // Skip zero-probability rows a boundary hit could land on.
            while (at < probabilities.Count - 1 && probabilities[at] <= 0) at++;
            draws[i] = Math.Min(at, probabilities.Count - 1);
        }
        var groups = draws.GroupBy(d => d).OrderBy(g => g.Key).ToArray();
        return new TsdsSample(draws, groups.Select(g => g.Key).ToArray(), groups.Select(g => g.Count()).ToArray());
    }

    /// <summary>n distinct rows drawn successively with probability ∝ p (Efraimidis–Spirakis keys u^(1/p)); fewer if fewer rows have mass.</summary>
    public static int[] WithoutReplacement(IReadOnlyList<double> probabilities, int n, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Cumulative(probabilities);
        var random = new Random(seed);
        var keys = new List<(double Key, int Row)>();
        for (int i = 0; i < probabilities.Count; i++)
        {
            double u = random.NextDouble();
            if (probabilities[i] > 0) keys.Add((Math.Log(Math.Max(u, double.Epsilon)) / probabilities[i], i));
        }
        return keys.OrderByDescending(k => k.Key).ThenBy(k => k.Row).Take(n).Select(k => k.Row).ToArray();
    }

    private static double[] Cumulative(IReadOnlyList<double> probabilities)
    {
        if (probabilities.Count == 0) throw new ArgumentException("No probabilities to sample from.", nameof(probabilities));
        var cumulative = new double[probabilities.Count];
        double sum = 0;
        for (int i = 0; i < probabilities.Count; i++)
        {
            double p = probabilities[i];
            if (!(p >= 0) || double.IsInfinity(p)) throw new ArgumentException($"Probability {i} is {p}; all must be finite and ≥ 0.", nameof(probabilities));
            sum += p;
            cumulative[i] = sum;
        }
        if (!(sum > 0)) throw new ArgumentException("The probabilities sum to zero.", nameof(probabilities));
        return cumulative;
    }
}
