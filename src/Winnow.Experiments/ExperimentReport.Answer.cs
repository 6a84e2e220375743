using System.Globalization;
using System.Text;

namespace Winnow.Experiments;

public static partial class ExperimentReport
{
    /// <summary>How every gain in the report is computed, said once above the answer.</summary>
    public const string GainDefinition =
        "Gain over random: for each (budget, seed) where the method and random both finished, the % reduction in test log-loss " +
        "against random's fine-tune of the same budget and seed (same initialisation and data order); the mean over those " +
        "seed×budget pairs, with a t-based 95% confidence interval over the pairs (n − 1 degrees of freedom). Higher is better.";

    private static string Pct(double v) => double.IsFinite(v) ? v.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%" : "–";

    private static string Interval(PairedGain g) =>
        g.HasInterval ? $"95% CI {Pct(g.Low)} to {Pct(g.High)}" : "one pair: no interval";

    /// <summary>"+16.9% (95% CI +12.0% to +21.8%, 8 pairs, lower in 8)": a gain as the answer and the heatmap's title say it.</summary>
    public static string GainText(PairedGain g) =>
        string.Create(CultureInfo.InvariantCulture, $"{Pct(g.Mean)} ({Interval(g)}; {g.Pairs} seed×budget pair{(g.Pairs == 1 ? "" : "s")}, lower loss in {g.Wins})");

    /// <summary>The pool a study selects from, in words: its size, sources and the share the source-filter control draws from.</summary>
    private static string PoolText(StudyAnswer a) =>
        string.Create(CultureInfo.InvariantCulture, $"pool of {a.PoolRows:N0} rows from {a.PoolSources} source{(a.PoolSources == 1 ? "" : "s")}") +
        (a.FilterSources.Count > 0 && a.PoolRows > 0
            ? string.Create(CultureInfo.InvariantCulture, $", {a.FilterRows:N0} ({a.FilterRows * 100.0 / a.PoolRows:0.0}%) from {string.Join("+", a.FilterSources)}")
            : "");

    /// <summary>The answer for one study as sentences, every figure taken from <paramref name="a"/>.</summary>
    public static string AnswerText(StudyAnswer a)
    {
        var s = new StringBuilder();
        s.Append(a.Task == "ner" ? "NER" : a.Task == "instruct" ? "instruction tuning" : a.Task).Append(", ").Append(PoolText(a)).Append(". ");
        if (a.Best is not { } best) return s.Append("No method has a finished (budget, seed) pair with random yet.").ToString();
        string gain = GainText(best);
        if (!best.HasInterval) s.Append($"Highest so far: {best.Method}, gain over random {gain}");
        else if (best.ClearlyAbove) s.Append($"Best: {best.Method}, gain over random {gain}");
        else if (best.ClearlyBelow) s.Append($"Every method does worse than random; the least bad is {best.Method}, gain {gain}");
        else s.Append($"No method is clearly better than random: the highest, {best.Method}, has a gain of {gain}, an interval that includes 0");
        if (a.BestF1 is { } f && a.RandomF1 is { } rf)
            s.Append(CultureInfo.InvariantCulture, $"; entity F1 {f:0.000} against random's {rf:0.000}");
        s.Append(". ");
        if (a.SourceFilter is not { } control) return s.Append("This study has no source-filter control.").ToString();
        string controlText = $"the source-filter control ({Pct(control.Mean)} over random)";
        if (best.Method == StudyMethods.SourceFilter.Name) s.Append("It is the source-filter control itself: no selection method did better than keeping the filter's sources.");
        else if (a.BestOverSourceFilter is not { } d) s.Append($"It has no (budget, seed) pair with {controlText}.");
        else if (!d.HasInterval) s.Append($"Against {controlText}: {Pct(d.Mean)} lower loss on one pair (no interval).");
        else if (d.ClearlyAbove) s.Append($"It beats {controlText}: {Pct(d.Mean)} lower loss than it, paired ({Interval(d)}).");
        else if (d.ClearlyBelow) s.Append($"It falls short of {controlText}: {Pct(d.Mean)} against it, paired ({Interval(d)}).");
        else s.Append($"It cannot be told apart from {controlText}: {Pct(d.Mean)} against it, paired ({Interval(d)}, which includes 0).");
        return s.ToString();
    }

    /// <summary>
    /// Over several studies, one sentence: which method is best how often (and where), in how many the best is clearly
    /// better than random, and in how many of those with the control a selection method clearly beats source-filter.
    /// Empty for a single study (its own answer says it all).
    /// </summary>
    public static string AcrossStudies(IReadOnlyList<StudyAnswer> answers)
    {
        var withBest = answers.Where(a => a.Best is not null).ToList();
        if (answers.Count < 2 || withBest.Count == 0) return "";
        var tally = withBest.GroupBy(a => a.Best!.Method).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} in {g.Count()} ({string.Join(", ", g.Select(a => a.Study))})");
        int clear = withBest.Count(a => a.Best!.ClearlyAbove);
        var controlled = withBest.Where(a => a.SourceFilter is not null).ToList();
        var beaten = controlled.Where(a => a.BestOverSourceFilter is { ClearlyAbove: true }).Select(a => a.Study).ToList();
        var s = new StringBuilder($"Across {answers.Count} studies the best method is {string.Join("; ", tally)}. ");
        s.Append(CultureInfo.InvariantCulture, $"Its gain over random is clearly above 0 (95% CI) in {clear} of {withBest.Count}.");
        if (controlled.Count > 0)
            s.Append(string.Create(CultureInfo.InvariantCulture, $" A selection method beats the source-filter control beyond its interval in {beaten.Count} of {controlled.Count} with the control"))
                .Append(beaten.Count > 0 ? $" ({string.Join(", ", beaten)})." : ".");
        return s.ToString();
    }

    /// <summary>Where a measured interval [low, high] (or a single value) lies against the paper's range.</summary>
    private static string Verdict(double value, double low, double high, PaperClaim claim)
    {
        bool interval = double.IsFinite(low) && double.IsFinite(high);
        double lo = interval ? low : value, hi = interval ? high : value;
        string where = hi < claim.Low ? "below the paper's range" : lo > claim.High ? "above the paper's range"
            : lo >= claim.Low && hi <= claim.High ? "within the paper's range" : "overlaps the paper's range";
        return interval ? where : where + " (one measurement, no interval)";
    }

    /// <summary>Every paper figure a study mirrors, with Winnow's number beside it (nothing where the study lacks what the claim needs).</summary>
    public static List<PaperComparison> PaperComparisons(IReadOnlyList<ExperimentResults> studies)
    {
        var rows = new List<PaperComparison>();
        foreach (var claim in PaperClaim.ToV)
            foreach (var r in studies.Where(r => claim.Task is null || r.Study.Task == claim.Task))
            {
                if (claim.Measure == PaperMeasure.GainOverRandom)
                {
                    foreach (var method in r.Study.Methods.Where(m => StudyMethods.UsesMethod(m, StudyMethods.Tov)))
                        if (PairedGain.Of(r, method) is { } g)
                            rows.Add(new(claim, r.Study.Name, method, g.Mean, g.Low, g.High,
                                $"{Pct(g.Mean)} ({Interval(g)})", Verdict(g.Mean, g.Low, g.High, claim)));
                    continue;
                }
                var costs = Costs(r);
                if (!r.Study.Methods.Contains(StudyMethods.Tov.Name) || !costs.TryGetValue(StudyMethods.Tov.Name, out var tov) || !costs.TryGetValue(StudyMethods.Less.Name, out var less)) continue;
                var (ours, theirs) = claim.Measure == PaperMeasure.TimeVsLess ? (tov.Seconds, less.Seconds) : (tov.Bytes, less.Bytes);
                if (ours <= 0 || theirs <= 0) continue;
                double ratio = theirs / ours;
                string unit = claim.Measure == PaperMeasure.TimeVsLess ? (ratio >= 1 ? "less time" : "more time") : (ratio >= 1 ? "less disk" : "more disk");
                string text = string.Create(CultureInfo.InvariantCulture, $"{(ratio >= 1 ? ratio : 1 / ratio):0.0}× {unit}");
                rows.Add(new(claim, r.Study.Name, StudyMethods.Tov.Name, ratio, double.NaN, double.NaN, text, Verdict(ratio, double.NaN, double.NaN, claim)));
            }
        return rows;
    }

    private const string PaperNote =
        "The paper's figures are as the project's README quotes them; Winnow's are this report's own (gains: paired, as above; " +
        "cost ratios: LESS's mean fit+score seconds or bytes over ToV's in the same study, one measurement, on the machine named in the study).";
}
