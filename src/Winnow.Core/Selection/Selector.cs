namespace Winnow.Core.Selection;

/// <summary>
/// Draws a subset from scored candidates: length-binned top scores, Score+Random, Score-Only, uniform random,
/// or score-proportional sampling. Deterministic under <see cref="SelectionOptions.Seed"/>.
/// </summary>
public static class Selector
{
    public static SelectionResult Select(IReadOnlyList<Candidate> candidates, SelectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Budget > candidates.Count)
            throw new ArgumentException($"The budget ({options.Budget}) is larger than the pool ({candidates.Count} candidates).");

        var rng = new Random(options.Seed);
        return options.Strategy switch
        {
            SelectionStrategy.Random => RandomOnly(candidates, options.Budget, rng),
            SelectionStrategy.ScoreOnly => ScoreOnly(candidates, options),
            SelectionStrategy.ScoreRandom => ScoreRandom(candidates, options, rng),
            SelectionStrategy.Sample => Sample(candidates, options.Budget, rng),
            SelectionStrategy.SampleLog => SampleLog(candidates, options.Budget, rng),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Strategy, "Unknown strategy."),
        };
    }

    private static SelectionResult RandomOnly(IReadOnlyList<Candidate> candidates, int budget, Random rng)
    {
        var picked = DrawUniform(candidates.Select(c => c.Index).ToList(), budget, rng);
        return new SelectionResult(picked, 0, picked.Count);
    }

    private static SelectionResult ScoreOnly(IReadOnlyList<Candidate> candidates, SelectionOptions options)
    {
        var scored = candidates.Where(c => !double.IsNaN(c.Score)).ToList();
        if (scored.Count < options.Budget)
            throw new ArgumentException($"Score-Only needs {options.Budget} scored candidates, but only {scored.Count} have a score.");
        var top = LengthBinnedTop(scored, options.Budget, options.Bins, options.TargetLengths);
        return new SelectionResult(top, top.Count, 0);
    }

    /// <summary>
    /// Half from the binned top scores, half uniformly from the base set U (the paper's Score+Random; another share with
    /// <see cref="SelectionOptions.RandomShare"/>). When U is smaller than its part, the rest comes from the scores, so
    /// the subset always has exactly the budget.
    /// </summary>
    private static SelectionResult ScoreRandom(IReadOnlyList<Candidate> candidates, SelectionOptions options, Random rng)
    {
        var baseSet = candidates.Where(c => c.InBaseSet).Select(c => c.Index).ToList();
        var scored = candidates.Where(c => !c.InBaseSet && !double.IsNaN(c.Score)).ToList();
        // Rounded down, with a hair of slack so that 0.5 of an odd budget is budget / 2 as the paper's integer halving.
        int randomPart = Math.Min((int)Math.Floor(options.Budget * options.RandomShare + 1e-9), baseSet.Count);
        int scorePart = options.Budget - randomPart;
        if (scored.Count < scorePart)
            throw new ArgumentException(
                $"Score+Random needs {scorePart} scored candidates outside the base set, but only {scored.Count} exist.");

        var top = LengthBinnedTop(scored, scorePart, options.Bins, options.TargetLengths);
        if (options.FillOrder is not { } fillOrder)
        {
            var random = DrawUniform(baseSet, randomPart, rng);
            return new SelectionResult(top.Concat(random).ToList(), top.Count, random.Count);
        }

        // The share from the fill order first (the scored rows taken out), then uniformly from what is left of U.
        var picked = top.ToHashSet();
        var fill = new List<int>(randomPart);
        foreach (int index in fillOrder)
        {
            if (fill.Count == randomPart) break;
            if ((uint)index >= (uint)candidates.Count) throw new ArgumentException($"The fill order names candidate {index}; there are {candidates.Count}.");
            if (picked.Add(index)) fill.Add(index);
        }
        var rest = DrawUniform(baseSet.Where(i => !picked.Contains(i)).ToList(), randomPart - fill.Count, rng);
        return new SelectionResult(top.Concat(fill).Concat(rest).ToList(), top.Count, rest.Count) { FromNeighbours = fill.Count };
    }

    /// <summary>
    /// Sorts by length, cuts into <paramref name="bins"/> bins of equal count, and takes the same number of top
    /// scorers from each, so short examples do not win by the variance of their mean alone. Bins are as equal as
    /// integer division allows (the first <c>count % bins</c> bins hold one more); the budget's remainder goes to
    /// the bins whose next-best candidate scores highest.
    /// <para>
    /// With <paramref name="targetLengths"/>, the bins are cut the same way but each one's share of the budget is the
    /// share of the target's lengths that fall in its range (a target length belongs to the first bin whose longest
    /// row is at least as long; longer than every row, to the last bin), by largest remainders; what a full bin cannot
    /// take goes to the other bins in proportion to their weight, then equally to bins the target does not reach.
    /// </para>
    /// </summary>
    public static List<int> LengthBinnedTop(IReadOnlyList<Candidate> scored, int budget, int bins, IReadOnlyList<int>? targetLengths = null)
    {
        if (budget > scored.Count)
            throw new ArgumentException($"Cannot take {budget} from {scored.Count} candidates.");
        bins = Math.Max(1, Math.Min(bins, scored.Count));

        // Ties in length are broken by index so the binning is deterministic.
        var byLength = scored.OrderBy(c => c.Length).ThenBy(c => c.Index).ToArray();
        var cut = SplitEven(byLength, bins).ToArray();
        var ranked = cut
            .Select(bin => bin.OrderByDescending(c => c.Score).ThenBy(c => c.Index).ToArray())
            .ToArray();

        var quota = targetLengths is null ? EqualQuotas(ranked, budget) : TargetQuotas(ranked, budget, TargetWeights(cut, targetLengths));

        var picked = new List<int>(budget);
        for (int b = 0; b < bins; b++)
            picked.AddRange(ranked[b].Take(quota[b]).Select(c => c.Index));
        return picked;
    }

    private static int[] EqualQuotas(Candidate[][] ranked, int budget)
    {
        int bins = ranked.Length;
        var quota = new int[bins];
        int remaining = budget;
        // Equal shares first, capped by each bin's size; what a small bin cannot take is passed on.
        while (remaining > 0)
        {
            var open = Enumerable.Range(0, bins).Where(b => quota[b] < ranked[b].Length).ToArray();
            int share = remaining / open.Length;
            if (share == 0)
            {
                foreach (var b in open.OrderByDescending(b => ranked[b][quota[b]].Score).ThenBy(b => b).Take(remaining))
                    quota[b]++;
                break;
            }
            foreach (var b in open)
            {
                int take = Math.Min(share, ranked[b].Length - quota[b]);
                quota[b] += take;
                remaining -= take;
            }
        }
        return quota;
    }

    /// <summary>How many target lengths fall in each bin's range (bins sorted by length, each non-empty).</summary>
    internal static int[] TargetWeights(Candidate[][] binsByLength, IReadOnlyList<int> targetLengths)
    {
        int bins = binsByLength.Length;
        var longest = binsByLength.Select(bin => bin[^1].Length).ToArray();
        var weights = new int[bins];
        foreach (int length in targetLengths)
        {
            int b = 0;
            while (b < bins - 1 && longest[b] < length) b++;
            weights[b]++;
        }
        return weights;
    }

    private static int[] TargetQuotas(Candidate[][] ranked, int budget, int[] weights)
    {
        int bins = ranked.Length;
        var quota = new int[bins];
        int remaining = budget;
        while (remaining > 0)
        {
            var open = Enumerable.Range(0, bins).Where(b => quota[b] < ranked[b].Length).ToArray();
            var weighted = open.Where(b => weights[b] > 0).ToArray();
            if (weighted.Length == 0)
            {
                // The target's bins are full: the rest as the equal split would place it, among the others.
                var rest = EqualQuotas(open.Select(b => ranked[b][quota[b]..]).ToArray(), remaining);
                for (int i = 0; i < open.Length; i++) quota[open[i]] += rest[i];
                break;
            }
            double total = weighted.Sum(b => (double)weights[b]);
            var exact = weighted.ToDictionary(b => b, b => remaining * weights[b] / total);
            var give = weighted.ToDictionary(b => b, b => Math.Min((int)Math.Floor(exact[b]), ranked[b].Length - quota[b]));
            int left = remaining - give.Values.Sum();
            // Largest remainders (ties to the shorter bin), among bins with room.
            foreach (var b in weighted.OrderByDescending(b => exact[b] - Math.Floor(exact[b])).ThenBy(b => b))
            {
                if (left == 0) break;
                if (quota[b] + give[b] < ranked[b].Length) { give[b]++; left--; }
            }
            int given = 0;
            foreach (var (b, n) in give) { quota[b] += n; given += n; }
            remaining -= given;
            if (given == 0) break; // cannot happen while a weighted bin has room; guards the loop
        }
        return quota;
    }

    private static IEnumerable<Candidate[]> SplitEven(Candidate[] sorted, int bins)
    {
        int start = 0;
        for (int b = 0; b < bins; b++)
        {
            int size = sorted.Length / bins + (b < sorted.Length % bins ? 1 : 0);
            yield return sorted[start..(start + size)];
            start += size;
        }
    }

    /// <summary>Partial Fisher–Yates: <paramref name="count"/> distinct items, uniformly.</summary>
    private static List<int> DrawUniform(List<int> items, int count, Random rng)
    {
        var pool = items.ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = rng.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool.Take(count).ToList();
    }

    /// <summary>Weighted sampling without replacement (Efraimidis–Spirakis keys u^(1/w)), via Gumbel-top-k in log space.</summary>
    private static SelectionResult Sample(IReadOnlyList<Candidate> candidates, int budget, Random rng)
    {
        var keyed = new List<(double Key, int Index)>(candidates.Count);
        foreach (var c in candidates)
        {
            if (double.IsNaN(c.Score) || c.Score < 0)
                throw new ArgumentException($"Sampling needs non-negative weights; row {c.Index} has {c.Score}.");
            if (c.Score == 0) continue;
            double u = 1.0 - rng.NextDouble(); // (0, 1]
            keyed.Add((Math.Log(c.Score) - Math.Log(-Math.Log(u)), c.Index));
        }
        if (keyed.Count < budget)
            throw new ArgumentException($"Only {keyed.Count} candidates have a positive weight; the budget is {budget}.");
        var picked = keyed.OrderByDescending(k => k.Key).ThenBy(k => k.Index).Take(budget).Select(k => k.Index).ToList();
        return new SelectionResult(picked, picked.Count, 0);
    }

    /// <summary>
    /// Gumbel-top-k on log-weights: key = log w + Gumbel noise; the top k keys are a draw without replacement with
    /// probabilities ∝ w, and log space never overflows however extreme the weights (DSIR's are sums over n-grams).
    /// </summary>
    private static SelectionResult SampleLog(IReadOnlyList<Candidate> candidates, int budget, Random rng)
    {
        var keyed = new List<(double Key, int Index)>(candidates.Count);
        foreach (var c in candidates)
        {
            double u = 1.0 - rng.NextDouble(); // drawn for every candidate so a row's noise does not depend on others' scores
            if (double.IsNaN(c.Score) || double.IsNegativeInfinity(c.Score)) continue;
            keyed.Add((c.Score - Math.Log(-Math.Log(u)), c.Index));
        }
        if (keyed.Count < budget)
            throw new ArgumentException($"Only {keyed.Count} candidates have a finite log-weight; the budget is {budget}.");
        var picked = keyed.OrderByDescending(k => k.Key).ThenBy(k => k.Index).Take(budget).Select(k => k.Index).ToList();
        return new SelectionResult(picked, picked.Count, 0);
    }
}
