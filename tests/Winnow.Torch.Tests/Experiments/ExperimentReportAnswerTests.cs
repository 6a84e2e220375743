using Winnow.Experiments;

namespace Winnow.Torch.Tests.Experiments;

/// <summary>The answer at the top, the heatmap, the fitted axes, the cost scatter and the paper comparison, on folders whose numbers are known.</summary>
public sealed class ExperimentReportAnswerTests
{
    private static CellResult Cell(string method, int budget, int seed, double loss) =>
        new(method, budget, seed, budget, new Dictionary<string, int> { ["music"] = 5, ["news"] = budget - 5 }, loss, 0.01, null, null, null, 0.1, 1, method + "-s" + seed);

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }

    /// <summary>One budget, three seeds: tov 8% under random in every pair, source-filter 5%.</summary>
    private static ExperimentResults ClearWinner(string dir)
    {
        ExperimentResults.Write(Path.Combine(dir, ExperimentResults.StudyFile), new StudyInfo("instruct-clear", "instruct", "h", "x.yaml",
            ["random", "source-filter", "tov"], [50], [0, 1, 2], new Dictionary<string, int> { ["music"] = 40, ["news"] = 160 }, 20, 30, "m", "machine", "2026-01-01")
            { SourceFilter = ["music"] });
        double[] random = [2.0, 2.2, 2.1];
        for (int seed = 0; seed < 3; seed++)
            foreach (var c in new[] { Cell("random", 50, seed, random[seed]), Cell("tov", 50, seed, random[seed] * 0.92), Cell("source-filter", 50, seed, random[seed] * 0.95) })
                ExperimentResults.Write(Path.Combine(dir, "cells", c.Key + ".json"), c);
        return ExperimentResults.Load(dir);
    }

    [Fact]
    public void The_paired_gain_is_the_mean_over_seed_budget_pairs_with_a_t_interval()
    {
        using var dir = new TempDir();
        var r = ExperimentResults.Load(ExperimentReportTests.MakeResults(dir.Path));
        var tov = PairedGain.Of(r, "tov")!;
        // (2.0−1.89)/2.0, (2.2−1.89)/2.2, (1.8−1.805)/1.8, (2.0−1.805)/2.0 in %.
        double[] gains = [5.5, 31.0 / 2.2, -0.5 / 1.8, 9.75];
        double mean = gains.Average(), sd = Math.Sqrt(gains.Sum(g => (g - mean) * (g - mean)) / 3);
        Assert.Equal((4, 3, 2), (tov.Pairs, tov.Wins, tov.Budgets.Count));
        Assert.Equal(mean, tov.Mean, 9);
        Assert.Equal(mean - 3.182 * sd / 2, tov.Low, 9);
        Assert.Equal(mean + 3.182 * sd / 2, tov.High, 9);
        Assert.False(tov.ClearlyAbove); // −2.5% to +17.0%: includes 0
        var less = PairedGain.Of(r, "less")!;
        Assert.Equal((1, -5.0), (less.Pairs, Math.Round(less.Mean, 9)));
        Assert.False(less.HasInterval);
        Assert.Null(PairedGain.Of(r, "tov", [30]));
        Assert.Equal(2.571, PairedGain.StudentT975(5));
        Assert.Equal(2.021, PairedGain.StudentT975(40), 3);
        Assert.Equal(1.984, PairedGain.StudentT975(100), 3);
    }

    [Fact]
    public void The_answer_is_worded_from_the_numbers()
    {
        using var dir = new TempDir();
        var unclear = ExperimentReport.AnswerText(StudyAnswer.Of(ExperimentResults.Load(ExperimentReportTests.MakeResults(dir.Path))));
        Assert.Equal("NER, pool of 100 rows from 2 sources. No method is clearly better than random: the highest, tov, has a gain of +7.3% " +
            "(95% CI -2.5% to +17.0%; 4 seed×budget pairs, lower loss in 3), an interval that includes 0; entity F1 0.500 against random's 0.500. " +
            "This study has no source-filter control.", unclear);

        using var dir2 = new TempDir();
        var clear = StudyAnswer.Of(ClearWinner(dir2.Path));
        Assert.Equal("tov", clear.Best!.Method);
        Assert.Equal(8, clear.Best.Mean, 9);
        Assert.Equal(300.0 / 95, clear.BestOverSourceFilter!.Mean, 9); // 0.92 against 0.95 of random: 3.16% lower
        Assert.Equal("instruction tuning, pool of 200 rows from 2 sources, 40 (20.0%) from music. Best: tov, gain over random +8.0% " +
            "(95% CI +8.0% to +8.0%; 3 seed×budget pairs, lower loss in 3). It beats the source-filter control (+5.0% over random): " +
            "+3.2% lower loss than it, paired (95% CI +3.2% to +3.2%).", ExperimentReport.AnswerText(clear));

        // Without tov, the source-filter control is itself the best.
        var onlyFilter = ClearWinner(dir2.Path) is var r ? r with { Study = r.Study with { Methods = ["random", "source-filter"] } } : null;
        Assert.EndsWith("It is the source-filter control itself: no selection method did better than keeping the filter's sources.",
            ExperimentReport.AnswerText(StudyAnswer.Of(onlyFilter!)));
        using var dir3 = new TempDir();
        var both = new[] { ExperimentResults.Load(ExperimentReportTests.MakeResults(dir3.Path)), ClearWinner(dir2.Path) };
        Assert.Equal("Across 2 studies the best method is tov in 2 (ner-music, instruct-clear). Its gain over random is clearly above 0 (95% CI) in 1 of 2. " +
            "A selection method beats the source-filter control beyond its interval in 1 of 1 with the control (instruct-clear).",
            ExperimentReport.AcrossStudies(both.Select(StudyAnswer.Of).ToList()));
        Assert.Equal("", ExperimentReport.AcrossStudies([StudyAnswer.Of(both[1])]));
        var md = ExperimentReport.Markdown([ClearWinner(dir2.Path)]);
        Assert.True(md.IndexOf("## The answer", StringComparison.Ordinal) < md.IndexOf("## Headline", StringComparison.Ordinal));
        Assert.Contains("- **instruct-clear**: instruction tuning, pool of 200 rows", md);
    }

    [Fact]
    public void The_heatmap_colours_the_gain_around_zero_and_outlines_each_studys_best()
    {
        using var dir = new TempDir();
        var html = ExperimentReport.Html([ExperimentResults.Load(ExperimentReportTests.MakeResults(dir.Path))]);
        var heatmap = System.Text.RegularExpressions.Regex.Match(html, "<svg class=\"chart heatmap\".*?</svg>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Contains("<title>ner-music · tov: +7.3% (95% CI -2.5% to +17.0%; 4 seed×budget pairs, lower loss in 3)</title>", heatmap);
        Assert.Contains(">3/4 wins</text>", heatmap);
        Assert.Contains(">0/1 wins</text>", heatmap);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(heatmap, "class=\"cell best\""));
        Assert.Matches("class=\"cell best\"[^>]*>\\s*<title>ner-music · tov:", heatmap);
        // The colour scale ends at the 75th percentile of |gain| (7.27 → 10): tov at 0.727 of the way from #f7f7f7 to blue
        // #2166ac, less (−5%) half way to red #b2182b.
        Assert.Matches("fill=\"#5c8ec1\"[^>]*><title>ner-music · tov", heatmap);
        var less = System.Text.RegularExpressions.Regex.Match(heatmap, "fill=\"#([0-9a-f]{6})\"><title>ner-music · less").Groups[1].Value;
        var rgb = Enumerable.Range(0, 3).Select(i => Convert.ToInt32(less.Substring(2 * i, 2), 16)).ToArray();
        Assert.Equal([212.5, 135.5, 145], rgb.Select(c => (double)c), new ToleranceComparer(1));
        Assert.Contains(">+10.0% or more</text>", heatmap);
    }

    [Fact]
    public void A_method_far_off_the_others_is_drawn_at_the_edge_with_its_values()
    {
        using var dir = new TempDir();
        var r = ExperimentResults.Load(ReportLayoutTests.MakeCrowdedStudy(dir.Path));
        var html = ExperimentReport.Html([r]);
        var loss = System.Text.RegularExpressions.Regex.Match(html, "<svg class=\"chart lines loss\".*?</svg>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        var uncertainty = ExperimentReport.Summarize(r).Where(c => c.Method == "uncertainty").Select(c => c.MeanLoss.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("▲ uncertainty, off the scale above: " + string.Join(", ", uncertainty.Zip(new[] { 50, 100, 200 }, (v, b) => $"{v} at {b}")), loss);
        Assert.Equal(7, loss.Split("class=\"series\"").Length - 1); // every other method is a line on the fitted axis
        Assert.Equal(3, loss.Split("class=\"offscale\"").Length - 1); // uncertainty: one arrow per budget
        // The axis ends near the others' highest loss (random's at 50, about 0.96), far below uncertainty's 2.4.
        var ticks = System.Text.RegularExpressions.Regex.Matches(loss, "text-anchor=\"end\" font-size=\"10\">([0-9.]+)</text>")
            .Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(ticks.Max() < 1.05, string.Join(", ", ticks));

        var scatter = System.Text.RegularExpressions.Regex.Match(html, "<svg class=\"chart scatter\".*?</svg>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Contains(">source-filter (no fit)</text>", scatter); // no cost file: the control has no fit+score step
        Assert.Contains("class=\"offscale point\"", scatter); // uncertainty's gain, about −150%
        Assert.Equal(7, System.Text.RegularExpressions.Regex.Matches(scatter, "<title>").Count); // one mark per method but random
        Assert.Equal(7, System.Text.RegularExpressions.Regex.Matches(scatter, "class=\"label\"").Count); // each labelled beside its mark, crowded as they are
    }

    [Fact]
    public void The_papers_figures_stand_beside_winnows_where_a_study_mirrors_them()
    {
        using var dir = new TempDir();
        var rows = ExperimentReport.PaperComparisons([ExperimentResults.Load(ExperimentReportTests.MakeResults(dir.Path))]);
        // NER gain (tov; no tov-score-only in this study), then time and disk: tov 10 s / 2 MB against LESS 40 s / 8 MB.
        Assert.Equal(["NER: ToV's gain over random", "ToV faster than LESS (fit+score time)", "ToV smaller than LESS on disk"], rows.Select(x => x.Claim.Claim));
        Assert.Equal("+7.3% (95% CI -2.5% to +17.0%)", rows[0].Winnow);
        Assert.Equal("overlaps the paper's range", rows[0].Verdict);
        Assert.Equal(("4.0× less time", "within the paper's range (one measurement, no interval)"), (rows[1].Winnow, rows[1].Verdict));
        Assert.Equal(("4.0× less disk", "within the paper's range (one measurement, no interval)"), (rows[2].Winnow, rows[2].Verdict));
        using var dir2 = new TempDir();
        var instruct = ExperimentReport.PaperComparisons([ClearWinner(dir2.Path)]);
        Assert.Equal(("instruction tuning: ToV's gain over random", "+5 to +10%", "within the paper's range"), (instruct.Single().Claim.Claim, instruct[0].Claim.PaperText, instruct[0].Verdict));
        var md = ExperimentReport.Markdown([ExperimentResults.Load(dir.Path)]);
        Assert.Contains("| ToV faster than LESS (fit+score time) | ner-music | tov | 2–6× less time | 4.0× less time | within the paper's range (one measurement, no interval) |", md);
    }
}
