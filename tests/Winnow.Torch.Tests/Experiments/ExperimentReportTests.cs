using System.Diagnostics;
using Winnow.Experiments;

namespace Winnow.Torch.Tests.Experiments;

/// <summary>The report on a small hand-made results folder, so every number in it is known.</summary>
public sealed class ExperimentReportTests
{
    public static StudyInfo Study(string name, string task) => new(name, task, "abc123", "x.yaml", ["random", "tov", "less"], [10, 20], [0, 1],
        new Dictionary<string, int> { ["music"] = 50, ["news"] = 50 }, 20, 30, "model", "test machine", "2026-01-01");

    private static CellResult Cell(string method, int budget, int seed, double loss, int music) =>
        new(method, budget, seed, budget, new Dictionary<string, int> { ["music"] = music, ["news"] = budget - music }, loss, 0.01, 0.5, 0.5, 0.5, 0.1, 1, method + "-s" + seed);

    /// <summary>random 2.0/2.2 (mean 2.1) and 1.8/2.0 (1.9); tov 10% and 5% better; less at budget 10 only.</summary>
    public static string MakeResults(string dir)
    {
        ExperimentResults.Write(Path.Combine(dir, ExperimentResults.StudyFile), Study("ner-music", "ner"));
        var cells = new[]
        {
            Cell("random", 10, 0, 2.0, 5), Cell("random", 10, 1, 2.2, 5), Cell("random", 20, 0, 1.8, 10), Cell("random", 20, 1, 2.0, 10),
            Cell("tov", 10, 0, 1.89, 8), Cell("tov", 10, 1, 1.89, 10), Cell("tov", 20, 0, 1.805, 20), Cell("tov", 20, 1, 1.805, 20),
            Cell("less", 10, 0, 2.1, 10),
        };
        foreach (var c in cells) ExperimentResults.Write(Path.Combine(dir, "cells", c.Key + ".json"), c);
        foreach (var (method, seconds, bytes) in new[] { ("random", 0.5, 1000L), ("tov", 10.0, 2_000_000L), ("less", 40.0, 8_000_000L) })
            ExperimentResults.Write(Path.Combine(dir, "artifacts", method + "-s0", "cost.json"), new ArtifactCost(method, method + "-s0", seconds * 0.8, seconds * 0.2, bytes, "s"));
        return dir;
    }

    /// <summary>
    /// <see cref="MakeResults"/> plus a ToV ablation at budget 10: tov-abs (its own fit, 1.995 = +5% over random's 2.1)
    /// and tov-no-bins (selection only, 2.31 = −10%).
    /// </summary>
    public static string MakeResultsWithAblation(string dir)
    {
        MakeResults(dir);
        ExperimentResults.Write(Path.Combine(dir, ExperimentResults.StudyFile), Study("ner-music", "ner") with
        {
            Ablation = [new AblationInfo("tov-abs", "tov", "transform=abs"), new AblationInfo("tov-no-bins", "tov", "bins=1")],
            AblationBudgets = [10],
        });
        foreach (var c in new[] { Cell("tov-abs", 10, 0, 1.995, 9), Cell("tov-abs", 10, 1, 1.995, 9), Cell("tov-no-bins", 10, 0, 2.31, 1), Cell("tov-no-bins", 10, 1, 2.31, 1) })
            ExperimentResults.Write(Path.Combine(dir, "cells", c.Key + ".json"), c);
        ExperimentResults.Write(Path.Combine(dir, "artifacts", "tov-abs-s0", "cost.json"), new ArtifactCost("tov-abs", "tov-abs-s0", 8, 2, 2_000_000L, "s"));
        return dir;
    }

    [Fact]
    public void Random_at_the_baseline_budgets_is_kept_apart_and_compared_with_each_method_at_half_the_budget()
    {
        using var dir = new TempDir();
        MakeResults(dir.Path);
        ExperimentResults.Write(Path.Combine(dir.Path, ExperimentResults.StudyFile), Study("ner-music", "ner") with { BaselineBudgets = [40] });
        // random at 40: 1.9 and 1.9; tov at 20 is 1.805 (5% below); random at 20 is 1.8 / 2.0 (+5.26% / −5.26%).
        foreach (var c in new[] { Cell("random", 40, 0, 1.9, 20), Cell("random", 40, 1, 1.9, 20) })
            ExperimentResults.Write(Path.Combine(dir.Path, "cells", c.Key + ".json"), c);
        var results = ExperimentResults.Load(dir.Path);

        Assert.Equal(2, results.BaselineCells.Count);
        Assert.DoesNotContain(results.Cells, c => c.Budget == 40);
        Assert.DoesNotContain(ExperimentReport.Summarize(results), s => s.Budget == 40);
        // The ordinary gain over random (same budget) is untouched by the extra cells.
        var sameBudget = new[] { (2.0 - 1.89) / 2.0, (2.2 - 1.89) / 2.2, (1.8 - 1.805) / 1.8, (2.0 - 1.805) / 2.0 }.Select(v => v * 100).Average();
        Assert.Equal(sameBudget, PairedGain.Of(results, "tov")!.Mean, 6);

        // tov at 10 against random at 20 (1.89 vs 1.8 and 2.0) and at 20 against random at 40 (1.805 vs 1.9).
        var doubled = PairedGain.OverDoubledRandom(results, "tov")!;
        var expected = new[] { (1.8 - 1.89) / 1.8, (2.0 - 1.89) / 2.0, (1.9 - 1.805) / 1.9, (1.9 - 1.805) / 1.9 }.Select(v => v * 100).ToArray();
        Assert.Equal(4, doubled.Pairs);
        Assert.Equal(expected.Average(), doubled.Mean, 6);
        Assert.Equal(3, doubled.Wins);
        var less = PairedGain.OverDoubledRandom(results, "less")!;
        Assert.Equal(1, less.Pairs);
        Assert.Equal((1.8 - 2.1) / 1.8 * 100, less.Mean, 6);
        Assert.Equal(0, less.Wins);

        var markdown = ExperimentReport.Markdown([results]);
        Assert.Contains("| random (at n) | 10, 20 |", markdown);
        Assert.Contains($"| tov | 10, 20 | {ExperimentReport.GainText(doubled)} |", markdown);
        Assert.Contains("At n against random at 2n", ExperimentReport.Html([results]));
    }

    /// <summary>A fit continued from an interrupted run records only the part done after it: the report says "at least".</summary>
    [Fact]
    public void A_cost_continued_from_an_interrupted_run_is_shown_as_a_lower_bound()
    {
        using var dir = new TempDir();
        MakeResults(dir.Path);
        var plain = ExperimentReport.Markdown([ExperimentResults.Load(dir.Path)]);
        Assert.Contains("| tov | 10.0 | 2.00 | 0.25× |", plain);
        Assert.DoesNotContain("≥", plain);

        ExperimentResults.Write(Path.Combine(dir.Path, "artifacts", "tov-s1", "cost.json"), new ArtifactCost("tov", "tov-s1", 0.5, 1.5, 2_000_000L, "s") { Resumed = true });
        var results = ExperimentResults.Load(dir.Path);
        Assert.True(results.Costs.Single(c => c.Key == "tov-s1").Resumed);
        Assert.False(results.Costs.Single(c => c.Key == "tov-s0").Resumed);
        var markdown = ExperimentReport.Markdown([results]);
        // tov's mean over its two artifacts, (10 + 2) / 2, and against LESS's 40 s: both lower bounds now; LESS's row is not.
        Assert.Contains("| tov | ≥ 6.0 | 2.00 | ≥ 0.15× |", markdown);
        Assert.Contains("| less | 40.0 | 8.00 | 1.00× |", markdown);
        Assert.Contains("a lower bound", markdown);
        Assert.Contains("≥ 6.0", ExperimentReport.Html([results]));
    }

    [Fact]
    public void Summaries_are_means_over_seeds_with_improvement_over_random()
    {
        using var dir = new TempDir();
        var results = ExperimentResults.Load(MakeResults(dir.Path));
        var summary = ExperimentReport.Summarize(results).ToDictionary(s => (s.Method, s.Budget));
        Assert.Equal(2.1, summary[("random", 10)].MeanLoss, 9);
        Assert.Equal(0.1, summary[("random", 10)].StdErr, 9); // sd 0.1414 / sqrt 2
        Assert.Equal(10, summary[("tov", 10)].ImprovementOverRandom!.Value, 9);
        Assert.Equal(5, summary[("tov", 20)].ImprovementOverRandom!.Value, 9);
        Assert.Equal(1, summary[("less", 10)].Seeds);
        Assert.False(summary.ContainsKey(("less", 20)));
        Assert.Equal(0.5, summary[("tov", 10)].MeanF1);
    }

    [Fact]
    public void Html_and_markdown_hold_the_charts_tables_costs_and_composition()
    {
        using var dir = new TempDir();
        var written = ExperimentReport.Write([ExperimentResults.Load(MakeResults(dir.Path))], dir.Path);
        var html = File.ReadAllText(written.HtmlPath);
        Assert.Contains("<svg class=\"chart heatmap\"", html);
        Assert.Contains("<svg class=\"chart lines loss\"", html);
        Assert.Contains("<svg class=\"chart lines f1\"", html);
        Assert.Contains("<svg class=\"chart scatter\"", html);
        Assert.DoesNotContain("<svg class=\"chart bars\"", html); // the long bar list is gone: the heatmap says it
        Assert.Equal(6, html.Split("class=\"series\"").Length - 1); // one curve per method, in the loss and the F1 chart
        Assert.Contains("class=\"errorbar\"", html);
        Assert.Contains("<td>tov</td><td>10.0</td><td>2.00</td><td>0.25×</td><td>0.25×</td><td>+7.3% [-2.5%, +17.0%]</td>", html);
        Assert.Contains("<td>tov</td><td><svg class=\"chart stack\"", html);
        Assert.Contains("<td>97%</td><td>3%</td>", html); // tov picked 58 of 60 from music
        Assert.DoesNotContain("<script", html);
        // Every chart must be well-formed SVG (an XML parser is stricter than a browser); the layout is checked in Chromium (ReportLayoutTests).
        var charts = System.Text.RegularExpressions.Regex.Matches(html, "<svg .*?</svg>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.Equal(4 + 3, charts.Count); // heatmap, loss, F1, scatter, one stacked bar per method
        foreach (System.Text.RegularExpressions.Match chart in charts) System.Xml.Linq.XDocument.Parse(chart.Value);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));

        var md = File.ReadAllText(written.MarkdownPath);
        // Paired wins: tov beats random's same-seed fine-tune at (10, 0), (10, 1) and (20, 1), not at (20, 0): 1.805 > 1.8.
        // Gains 5.5, 14.09, −0.28, 9.75% → mean 7.27%, sd 6.13, t(3) = 3.182 → ± 9.76.
        Assert.Contains("| ner-music | +7.3% [-2.5%, +17.0%] (3/4) | -5.0% [–] (0/1) |", md);
        Assert.Contains("| ner-music | 0.500 | 0.500 | 0.500 |", md); // F1 headline: random, tov, less
        Assert.Contains("| tov | 10 | 2 | 1.8900 ± 0.0000 | +10.0% | 0.500 ± 0.000 |", md);
        Assert.Contains("| random | 10 | 2 | 2.1000 ± 0.1000 | 0.0% | 0.500 ± 0.000 |", md);
        Assert.Contains("| less | 10 | 1 | 2.1000 ± – | 0.0% | 0.500 |", md);
        Assert.Contains("| less | 40.0 | 8.00 | 1.00× | 1.00× | -5.0% [–] |", md);
        Assert.Contains("| random | 0.5 | 0.00 | 0.01× | 0.00× | (the baseline) |", md);
    }

    [Fact]
    public void The_ablation_has_its_own_table_bars_and_composition_and_stays_out_of_the_main_comparison()
    {
        using var dir = new TempDir();
        var results = ExperimentResults.Load(MakeResultsWithAblation(dir.Path));
        var ablation = ExperimentReport.SummarizeAblation(results).ToDictionary(s => (s.Method, s.Budget));
        Assert.Equal([("tov", 10), ("tov-abs", 10), ("tov-no-bins", 10)], ablation.Keys);
        Assert.Equal(5, ablation[("tov-abs", 10)].ImprovementOverRandom!.Value, 9);
        Assert.Equal(-10, ablation[("tov-no-bins", 10)].ImprovementOverRandom!.Value, 9);
        Assert.DoesNotContain(ExperimentReport.Summarize(results), c => c.Method.StartsWith("tov-", StringComparison.Ordinal));

        var written = ExperimentReport.Write([results], dir.Path);
        var html = File.ReadAllText(written.HtmlPath);
        Assert.Contains("<h3>Ablation</h3>", html);
        Assert.Contains("<tr><td>tov-no-bins</td><td>bins=1</td><td>10</td><td>2</td><td>2.3100 ± 0.0000</td><td>-10.0%</td><td>0.500 ± 0.000</td></tr>", html);
        Assert.Contains("<td>tov-abs</td><td>10.0</td><td>2.00</td><td>0.25×</td><td>0.25×</td>", html); // its own fit, its own cost row
        Assert.Equal(6, html.Split("class=\"series\"").Length - 1); // the loss and F1 curves show the main methods only
        Assert.Contains("<svg class=\"chart bars\"", html); // the ablation's gains
        var charts = System.Text.RegularExpressions.Regex.Matches(html, "<svg .*?</svg>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.Equal(4 + 3 + 1 + 2, charts.Count); // + ablation bars + one stacked bar per variant
        foreach (System.Text.RegularExpressions.Match chart in charts) System.Xml.Linq.XDocument.Parse(chart.Value);

        var md = File.ReadAllText(written.MarkdownPath);
        Assert.Contains("| tov-abs | transform=abs | 10 | 2 | 1.9950 ± 0.0000 | +5.0% | 0.500 ± 0.000 |", md);
        Assert.Contains("| tov | (the method as in the study) | 10 | 2 | 1.8900 ± 0.0000 | +10.0% | 0.500 ± 0.000 |", md);
        // Paired at budget 10: tov-abs 1.995 against random's 2.0 and 2.2 → 0.25% and 9.32%.
        Assert.Contains("| tov-abs | +4.8% (95% CI -52.8% to +62.4%; 2 seed×budget pairs, lower loss in 2) |", md);
    }

    /// <summary>
    /// With ToV's score file of the first seed present, each study lists its 5 highest- and 5 lowest-scored rows (U and
    /// unscored rows left out) with the exact <c>winnow explain</c> command, and whether the largest budget's selection
    /// picked each; without it, one line says the score files are not there.
    /// </summary>
    [Fact]
    public void The_report_links_tovs_top_and_bottom_rows_to_winnow_explain()
    {
        using var dir = new TempDir();
        MakeResults(dir.Path);
        var md = File.ReadAllText(ExperimentReport.Write([ExperimentResults.Load(dir.Path)], dir.Path).MarkdownPath);
        Assert.Contains("### ToV's picks, explained", md);
        Assert.Contains("Score files not present (`artifacts/tov-s0/scores.parquet`", md);

        var artifact = Path.Combine(dir.Path, "artifacts", "tov-s0");
        var rows = Enumerable.Range(0, 14).Select(i => new Winnow.Core.Scoring.ScoreRow
        {
            Row = i, Id = i == 13 ? "it's 13" : $"r{i}", Source = i % 2 == 0 ? "pool/music" : "pool/news", InBase = i is 0 or 1,
            Score = i == 2 ? double.NaN : i * 0.01, PhiIdentity = i * 0.01,
        }).ToList();
        Winnow.Core.Scoring.ScoreFile.Write(Path.Combine(artifact, "scores.parquet"), rows);
        Directory.CreateDirectory(Path.Combine(dir.Path, "subsets"));
        File.WriteAllText(Path.Combine(dir.Path, "subsets", "tov__b20__s0.scores.jsonl"),
            "{\"row\":13,\"id\":\"it's 13\",\"source\":\"pool/news\",\"score\":0.13,\"picked_by\":\"score\"}\n");
        var links = ExperimentReport.TovExplainLinks(ExperimentResults.Load(dir.Path))!;
        Assert.True(links.Present);
        Assert.Equal((0, 20), (links.Seed, links.Budget));
        Assert.Equal(["it's 13", "r12", "r11", "r10", "r9"], links.Rows.Where(x => x.End == "top").Select(x => x.Id));
        Assert.Equal(["r3", "r4", "r5", "r6", "r7"], links.Rows.Where(x => x.End == "bottom").Select(x => x.Id));
        Assert.Equal([true, false, false, false, false], links.Rows.Where(x => x.End == "top").Select(x => x.Picked));
        string run = Path.Combine(artifact, "run"), scores = Path.Combine(artifact, "scores.parquet");
        Assert.Equal($"winnow explain --run {run} --scores {scores} --id 'it'\\''s 13' --source pool/news", links.Rows[0].Command);

        var written = ExperimentReport.Write([ExperimentResults.Load(dir.Path)], dir.Path);
        md = File.ReadAllText(written.MarkdownPath);
        Assert.Contains($"| top | 2 | pool/music | r12 | 0.1200 | no | `winnow explain --run {run} --scores {scores} --id r12 --source pool/music` |", md);
        Assert.Contains("| bottom | 1 | pool/news | r3 | 0.0300 | no |", md);
        var html = File.ReadAllText(written.HtmlPath);
        Assert.Contains("<h3>ToV's picks, explained</h3>", html);
        Assert.Contains($"<code>winnow explain --run {run} --scores {scores} --id r12 --source pool/music</code>", html);
    }

    [ChromiumFact]
    public void Report_renders_in_headless_chromium_without_errors()
    {
        using var dir = new TempDir();
        var written = ExperimentReport.Write([ExperimentResults.Load(MakeResultsWithAblation(dir.Path))], dir.Path);
        var start = new ProcessStartInfo(ChromiumFactAttribute.Chromium!)
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", "--dump-dom", "file://" + written.HtmlPath })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var dom = process.StandardOutput.ReadToEndAsync();
        var log = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "chromium did not finish in 60 s");
        Assert.Contains("class=\"chart heatmap\"", dom.Result);
        Assert.Contains("class=\"chart lines loss\"", dom.Result);
        Assert.Contains("class=\"chart scatter\"", dom.Result);
        Assert.Contains("class=\"chart bars\"", dom.Result);
        Assert.Contains("class=\"ablation\"", dom.Result);
        Assert.DoesNotContain("Uncaught", log.Result);
        Assert.DoesNotContain("CONSOLE", log.Result);
    }
}
