using System.Globalization;
using System.Net;
using System.Text;
using Winnow.Core.IO;
using Winnow.Core.Scoring;
using Winnow.Core.Statistics;

namespace Winnow.Experiments;

/// <summary>
/// Renders results folders as one self-contained HTML file (inline SVG charts, no scripts, opens offline) and a
/// Markdown file with the same content as tables: first the answer per study (best method, its paired gain over random
/// with a 95% CI, against the source-filter control), the study × method heatmap and the ToV paper's figures beside
/// Winnow's; then per study log-loss (and F1) against budget, cost against gain, each method's selection by pool source,
/// the ablation, and the diagnosis: what each selection holds (entity tokens, rows without entity, length, in-domain
/// share) next to its outcome, with <c>diagnosis.csv</c> per cell.
/// </summary>
public static partial class ExperimentReport
{
    public sealed record Written(string HtmlPath, string MarkdownPath)
    {
        /// <summary>The per-cell diagnosis table (<c>diagnosis.csv</c>).</summary>
        public string CsvPath { get; init; } = "";
    }

    private static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    private static string F(double v, string format = "F4") => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    public static Written Write(IReadOnlyList<ExperimentResults> studies, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var html = Path.Combine(outDir, "report.html");
        var md = Path.Combine(outDir, "report.md");
        AtomicFile.WriteText(html, w => w.Write(Html(studies)));
        AtomicFile.WriteText(md, w => w.Write(Markdown(studies)));
        var csv = Path.Combine(outDir, DiagnosisCsvFile);
        AtomicFile.WriteText(csv, w => w.Write(DiagnosisCsv(studies)));
        return new Written(Path.GetFullPath(html), Path.GetFullPath(md)) { CsvPath = Path.GetFullPath(csv) };
    }

    /// <summary>Mean ± standard error over seeds per method and budget, with % improvement over random's mean loss at that budget.</summary>
    public static List<CellSummary> Summarize(ExperimentResults results) => Summarize(results, results.Study.Methods, results.Study.Budgets);

    /// <summary>The ablation: each variant's base method, then every variant, at the ablation's budgets.</summary>
    public static List<CellSummary> SummarizeAblation(ExperimentResults results)
    {
        var variants = results.Study.Ablation;
        if (variants.Count == 0) return [];
        var bases = variants.Select(v => v.Method).Distinct().Where(results.Study.Methods.Contains);
        var budgets = results.Study.AblationBudgets.Count > 0 ? results.Study.AblationBudgets : results.Study.Budgets;
        return Summarize(results, bases.Concat(variants.Select(v => v.Name)).ToList(), budgets);
    }

    private static List<CellSummary> Summarize(ExperimentResults results, IReadOnlyList<string> methods, IReadOnlyList<int> budgets)
    {
        var groups = results.Cells.GroupBy(c => (c.Method, c.Budget)).ToDictionary(g => g.Key, g => g.ToList());
        var summaries = new List<CellSummary>();
        foreach (var method in methods)
            foreach (var budget in budgets)
            {
                if (!groups.TryGetValue((method, budget), out var cells)) continue;
                var (mean, se) = MeanStdErr(cells.Select(c => c.TestLoss).ToArray());
                double? improvement = groups.TryGetValue((StudyMethods.Random.Name, budget), out var random)
                    ? (random.Average(c => c.TestLoss) - mean) / random.Average(c => c.TestLoss) * 100 : null;
                var f1 = cells.Where(c => c.F1 is not null).Select(c => c.F1!.Value).ToArray();
                summaries.Add(new CellSummary(method, budget, cells.Count, mean, se, improvement, f1.Length > 0 ? f1.Average() : null)
                {
                    F1StdErr = f1.Length > 1 ? MeanStdErr(f1).StdErr : double.NaN,
                });
            }
        return summaries;
    }

    private static (double Mean, double StdErr) MeanStdErr(IReadOnlyList<double> values) => SampleStatistics.MeanAndStandardError(values);

    /// <summary>Mean fit+score seconds and bytes per artifact of each method (tov-score-only shares tov's).</summary>
    public static Dictionary<string, (double Seconds, double Bytes)> Costs(ExperimentResults results) =>
        results.Costs.GroupBy(c => c.Method).ToDictionary(g => g.Key, g => (g.Average(c => c.Seconds), g.Average(c => (double)c.BytesOnDisk)));

    private static string CostMethod(string studyMethod) => StudyMethods.CostName(studyMethod);

    /// <summary>Per study: every method but random with its paired gain over random (<see cref="PairedGain"/>), in the study's order.</summary>
    public static List<PairedGain> Headline(ExperimentResults r) =>
        r.Study.Methods.Where(m => !StudyMethods.IsBaseline(m)).Select(m => PairedGain.Of(r, m)).OfType<PairedGain>().ToList();

    /// <summary>Columns (method names) and rows (study name, one text per column) of a table across studies.</summary>
    private sealed record Grid(IReadOnlyList<string> Methods, IReadOnlyList<(string Study, IReadOnlyList<string> Values)> Rows);

    /// <summary>The headline: one row per study, one column per method, "gain [95% CI] (wins/pairs)".</summary>
    private static Grid HeadlineGrid(IReadOnlyList<ExperimentResults> studies)
    {
        var methods = studies.SelectMany(r => r.Study.Methods).Where(m => !StudyMethods.IsBaseline(m)).Distinct().ToList();
        return new Grid(methods, studies.Select(r =>
        {
            var cells = Headline(r).ToDictionary(h => h.Method);
            IReadOnlyList<string> values = methods.Select(m => cells.TryGetValue(m, out var g)
                ? $"{Pct(g.Mean)} {(g.HasInterval ? $"[{Pct(g.Low)}, {Pct(g.High)}]" : "[–]")} ({g.Wins}/{g.Pairs})" : "–").ToList();
            return (r.Study.Name, values);
        }).ToList());
    }

    /// <summary>For NER studies: entity micro-F1 per method, mean over budgets and seeds (random included, for reference).</summary>
    private static Grid F1Grid(IReadOnlyList<ExperimentResults> studies)
    {
        var ner = studies.Where(r => r.Study.Task == "ner").ToList();
        var methods = ner.SelectMany(r => r.Study.Methods).Distinct().ToList();
        return new Grid(methods, ner.Select(r =>
        {
            IReadOnlyList<string> values = methods.Select(m => r.Cells.Where(c => c.Method == m && c.F1 is not null).Select(c => c.F1!.Value).ToList() is { Count: > 0 } f1
                ? F(f1.Average(), "F3") : "–").ToList();
            return (r.Study.Name, values);
        }).ToList());
    }

    private static string MarkdownGrid(Grid grid)
    {
        var s = new StringBuilder();
        s.AppendLine("| study | " + string.Join(" | ", grid.Methods) + " |");
        s.AppendLine("|---|" + string.Concat(grid.Methods.Select(_ => "---:|")));
        foreach (var (study, values) in grid.Rows) s.AppendLine("| " + study + " | " + string.Join(" | ", values) + " |");
        return s.ToString();
    }

    public static string HeadlineMarkdown(IReadOnlyList<ExperimentResults> studies) => MarkdownGrid(HeadlineGrid(studies));

    public static string HeadlineF1Markdown(IReadOnlyList<ExperimentResults> studies) =>
        studies.Any(r => r.Study.Task == "ner") ? MarkdownGrid(F1Grid(studies)) : "";

    /// <summary>The answer, one bullet per study, as in both report files.</summary>
    private static IEnumerable<(string Study, string Text)> Answers(IReadOnlyList<ExperimentResults> studies) =>
        studies.Select(r => (r.Study.Name, AnswerText(StudyAnswer.Of(r))));

    private const string HeadlineIntro =
        "Gain over random per study and method (higher is better): the mean, its 95% CI and, in brackets, the seed×budget pairs " +
        "in which the method's fine-tune had a lower test log-loss than random's, out of the pairs.";

    private const string F1Intro = "NER entity micro-F1 (exact spans), mean over budgets and seeds (higher is better):";

    private const string CellsIntro =
        "Mean test log-loss ± standard error over seeds per budget (lower is better; the data of the charts); vs random: % below " +
        "random's mean loss at the same budget (a ratio of means, so it can differ a little from the paired gain above).";

    public static string Markdown(IReadOnlyList<ExperimentResults> studies)
    {
        var s = new StringBuilder();
        s.AppendLine("# Experiment results").AppendLine();
        s.AppendLine("## The answer").AppendLine().AppendLine(GainDefinition).AppendLine();
        foreach (var (study, text) in Answers(studies)) s.AppendLine(CultureInfo.InvariantCulture, $"- **{study}**: {text}");
        if (AcrossStudies(studies.Select(StudyAnswer.Of).ToList()) is { Length: > 0 } across) s.AppendLine().AppendLine(across);
        s.AppendLine().AppendLine("## Headline").AppendLine().AppendLine(HeadlineIntro).AppendLine();
        s.AppendLine(HeadlineMarkdown(studies));
        if (studies.Any(r => r.Study.Task == "ner")) s.AppendLine(F1Intro).AppendLine().AppendLine(HeadlineF1Markdown(studies));
        var paper = PaperComparisons(studies);
        if (paper.Count > 0)
        {
            s.AppendLine("## Against the ToV paper").AppendLine().AppendLine(PaperNote).AppendLine();
            s.AppendLine("| claim | study | method | paper | Winnow | where Winnow lands |").AppendLine("|---|---|---|---|---|---|");
            foreach (var p in paper) s.AppendLine($"| {p.Claim.Claim} | {p.Study} | {p.Method} | {p.Claim.PaperText} | {p.Winnow} | {p.Verdict} |");
            s.AppendLine();
        }
        foreach (var r in studies)
        {
            bool ner = r.Study.Task == "ner";
            s.AppendLine(CultureInfo.InvariantCulture, $"## {r.Study.Name} ({r.Study.Task})").AppendLine();
            s.AppendLine(CultureInfo.InvariantCulture, $"Config hash {r.Study.ConfigHash}; target {r.Study.TargetSize}, test {r.Study.TestSize}, pool {r.Study.PoolSizes.Values.Sum()} " +
                $"({string.Join(", ", r.Study.PoolSizes.Select(kv => $"{kv.Key} {kv.Value}"))}); seeds {string.Join(", ", r.Study.Seeds)}; {r.Study.Machine}.").AppendLine();
            s.AppendLine(CellsIntro + (ner ? " F1: entity-level micro F1 over exact spans, mean ± standard error." : "")).AppendLine();
            s.Append(MarkdownSummaryTable(r, Summarize(r), withChanges: false));
            s.AppendLine().AppendLine("Cost of fit+score beside the gain over random:").AppendLine();
            s.AppendLine("| method | fit+score s | disk MB | time vs LESS | disk vs LESS | gain over random |").AppendLine("|---|---:|---:|---:|---:|---:|");
            var costRows = CostRows(r);
            foreach (var row in costRows)
                s.AppendLine(CultureInfo.InvariantCulture, $"| {row.Method} | {row.SecondsText} | {F(row.Bytes / 1e6, "F2")} | {row.TimeRatioText} | {Ratio(row.DiskRatio)} | {CostGain(r, row.Method)} |");
            if (costRows.Any(c => c.Resumed)) s.AppendLine().AppendLine(ResumedNote);
            s.AppendLine();
            if (DoubledRows(r) is { Count: > 0 } doubled)
            {
                s.AppendLine(DoubledIntro).AppendLine();
                s.AppendLine("| method | budgets n | against random at 2n |").AppendLine("|---|---|---:|");
                foreach (var (label, budgets, g) in doubled) s.AppendLine($"| {label} | {budgets} | {GainText(g)} |");
                s.AppendLine();
            }
            var ablation = SummarizeAblation(r);
            if (ablation.Count > 0)
            {
                s.AppendLine("Ablation (each variant changes only what is listed; same seeds, same budgets):").AppendLine();
                s.Append(MarkdownSummaryTable(r, ablation, withChanges: true)).AppendLine();
                s.AppendLine("Ablation, gain over random at the ablation's budgets (paired, as above):").AppendLine();
                s.AppendLine("| variant | gain over random |").AppendLine("|---|---:|");
                foreach (var (label, g) in AblationGains(r)) s.AppendLine($"| {label} | {GainText(g)} |");
                s.AppendLine();
            }
            s.Append(DiagnosisMarkdown(r));
            s.Append(ExplainMarkdown(r));
        }
        return s.ToString();
    }

    private const string DoubledIntro =
        "At n against random at 2n (where random ran at twice a budget: a rung of the ladder or a baseline budget): the % by which a method's " +
        "test log-loss at budget n is below random's at twice that budget, paired by seed. Above 0, the method's subset is " +
        "worth more than twice as much random data; random's own row (at n) shows what doubling the data is worth.";

    /// <summary>Random at n, each method, then each ablation row: its paired gain over random at 2n, where both ran.</summary>
    private static List<(string Label, string Budgets, PairedGain Gain)> DoubledRows(ExperimentResults r)
    {
        var names = r.Study.Methods.Where(StudyMethods.IsBaseline)
            .Concat(r.Study.Methods.Where(m => !StudyMethods.IsBaseline(m))).Concat(r.Study.Ablation.Select(a => a.Name));
        var rows = new List<(string, string, PairedGain)>();
        foreach (var name in names)
            if (PairedGain.OverDoubledRandom(r, name) is { } g)
                rows.Add((StudyMethods.IsBaseline(name) ? name + " (at n)" : name, string.Join(", ", g.Budgets), g));
        return rows;
    }

    /// <summary>The gain column of the cost table: the method's (or variant's, at the ablation's budgets) paired gain over random.</summary>
    private static string CostGain(ExperimentResults r, string method)
    {
        if (StudyMethods.IsBaseline(method)) return "(the baseline)";
        var budgets = r.Study.Methods.Contains(method) ? null : AblationBudgets(r);
        return PairedGain.Of(r, method, budgets) is { } g ? $"{Pct(g.Mean)} {(g.HasInterval ? $"[{Pct(g.Low)}, {Pct(g.High)}]" : "[–]")}" : "–";
    }

    private static IReadOnlyList<int> AblationBudgets(ExperimentResults r) =>
        r.Study.AblationBudgets.Count > 0 ? r.Study.AblationBudgets : r.Study.Budgets;

    /// <summary>Each variant's base method, then every variant, with its paired gain over random at the ablation's budgets.</summary>
    private static List<(string Label, PairedGain Gain)> AblationGains(ExperimentResults r)
    {
        var budgets = AblationBudgets(r);
        var names = r.Study.Ablation.Select(a => a.Method).Distinct().Where(r.Study.Methods.Contains).Concat(r.Study.Ablation.Select(a => a.Name));
        return names.Select(n => (n, PairedGain.Of(r, n, budgets))).Where(x => x.Item2 is not null).Select(x => (x.n, x.Item2!)).ToList();
    }

    /// <summary>The Markdown form of <see cref="SummaryTable"/>.</summary>
    private static string MarkdownSummaryTable(ExperimentResults r, IEnumerable<CellSummary> rows, bool withChanges)
    {
        bool ner = r.Study.Task == "ner";
        var s = new StringBuilder();
        s.AppendLine((withChanges ? "| variant | changes" : "| method") + " | budget | seeds | test log-loss | vs random |" + (ner ? " F1 |" : ""));
        s.AppendLine((withChanges ? "|---|---" : "|---") + "|---:|---:|---:|---:|" + (ner ? "---:|" : ""));
        foreach (var c in rows)
        {
            s.Append(CultureInfo.InvariantCulture, $"| {c.Method} |{(withChanges ? $" {Changes(r, c.Method)} |" : "")} {c.Budget} | {c.Seeds} | {F(c.MeanLoss)} ± {F(c.StdErr)} | {Percent(c.ImprovementOverRandom)} |");
            if (ner) s.Append(CultureInfo.InvariantCulture, $" {F1Text(c)} |");
            s.AppendLine();
        }
        return s.ToString();
    }

    private static string F1Text(CellSummary c) =>
        c.MeanF1 is not { } f ? "–" : double.IsFinite(c.F1StdErr) ? $"{F(f, "F3")} ± {F(c.F1StdErr, "F3")}" : F(f, "F3");

    private static string Changes(ExperimentResults r, string method) =>
        r.Study.Ablation.FirstOrDefault(a => a.Name == method) is { } a ? a.Changes : "(the method as in the study)";

    private static string Percent(double? v) => v is { } x ? Pct(x) : "–";

    private static string Ratio(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";

    /// <param name="Resumed">Some of the method's artifacts were continued from an interrupted run (<see cref="ArtifactCost.Resumed"/>):
    /// the seconds, and the time against LESS, are lower bounds.</param>
    private sealed record CostRow(string Method, double Seconds, double Bytes, double? TimeRatio, double? DiskRatio, bool Resumed)
    {
        public string SecondsText => (Resumed ? "≥ " : "") + F(Seconds, "F1");
        public string TimeRatioText => (Resumed && TimeRatio is not null ? "≥ " : "") + Ratio(TimeRatio);
    }

    private const string ResumedNote =
        "≥: some of the method's fits were continued from an interrupted run, so their seconds count only the part done after it (a lower bound).";

    private static List<CostRow> CostRows(ExperimentResults r)
    {
        var costs = Costs(r);
        var less = costs.TryGetValue(StudyMethods.Less.Name, out var l) ? l : ((double, double)?)null;
        // Ablation variants with settings of their own have their own fit+score, so their own cost row.
        return r.Study.Methods.Concat(r.Study.Ablation.Select(a => a.Name).Where(costs.ContainsKey)).Select(m =>
        {
            var (seconds, bytes) = costs.TryGetValue(CostMethod(m), out var c) ? c : (0.0, 0.0);
            bool resumed = r.Costs.Any(a => a.Method == CostMethod(m) && a.Resumed);
            return new CostRow(m, seconds, bytes, less is { } x && x.Item1 > 0 ? seconds / x.Item1 : null, less is { } y && y.Item2 > 0 ? bytes / y.Item2 : null, resumed);
        }).ToList();
    }

    public static string Html(IReadOnlyList<ExperimentResults> studies)
    {
        var h = new StringBuilder();
        h.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Winnow experiment report</title><style>")
            .AppendLine("body{font-family:sans-serif;margin:2em;max-width:1100px;line-height:1.4}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
            .AppendLine("td:first-child,th:first-child,table.paper td,table.paper th{text-align:left}svg{background:#fafafa;border:1px solid #eee;margin:0.5em 0;display:block}.legend span{display:inline-block;margin-right:1em}")
            .AppendLine(".answer li{margin:0.4em 0}.charts{display:flex;flex-wrap:wrap;gap:1em}details{margin:0.5em 0}summary{cursor:pointer;font-weight:bold}")
            .AppendLine("</style></head><body><h1>Winnow experiment report</h1>");
        h.AppendLine("<h2>The answer</h2>").AppendLine(CultureInfo.InvariantCulture, $"<p>{T(GainDefinition)}</p><ul class=\"answer\">");
        foreach (var (study, text) in Answers(studies)) h.AppendLine(CultureInfo.InvariantCulture, $"<li><strong>{T(study)}</strong>: {T(text)}</li>");
        h.AppendLine("</ul>");
        if (AcrossStudies(studies.Select(StudyAnswer.Of).ToList()) is { Length: > 0 } across) h.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"across\">{T(across)}</p>");
        h.AppendLine("<h2>Headline</h2><p>Gain over random per study and method (higher is better): in each cell the mean and the " +
            "seed×budget pairs in which the method's fine-tune had a lower test log-loss than random's, out of the pairs. Colour: the mean " +
            "gain, diverging around 0 (blue: lower loss than random, red: higher; full colour at the key's ends); outlined: the study's best. " +
            "The 95% intervals are in the answer above, in report.md and in each cell's tooltip.</p>");
        h.AppendLine(Heatmap(studies));
        if (studies.Any(r => r.Study.Task == "ner")) h.AppendLine(CultureInfo.InvariantCulture, $"<p>{T(F1Intro)}</p>").AppendLine(GridHtml(F1Grid(studies), "f1"));
        var paper = PaperComparisons(studies);
        if (paper.Count > 0)
        {
            h.AppendLine(CultureInfo.InvariantCulture, $"<h2>Against the ToV paper</h2><p>{T(PaperNote)}</p>");
            h.AppendLine("<table class=\"paper\"><tr><th>claim</th><th>study</th><th>method</th><th>paper</th><th>Winnow</th><th>where Winnow lands</th></tr>");
            foreach (var p in paper)
                h.AppendLine($"<tr><td>{T(p.Claim.Claim)}</td><td>{T(p.Study)}</td><td>{T(p.Method)}</td><td>{T(p.Claim.PaperText)}</td><td>{T(p.Winnow)}</td><td>{T(p.Verdict)}</td></tr>");
            h.AppendLine("</table>");
        }
        foreach (var r in studies)
        {
            bool ner = r.Study.Task == "ner";
            h.AppendLine(CultureInfo.InvariantCulture, $"<h2>{E(r.Study.Name)} ({E(r.Study.Task)})</h2>");
            h.AppendLine(CultureInfo.InvariantCulture, $"<p>target {r.Study.TargetSize}, test {r.Study.TestSize}, pool {r.Study.PoolSizes.Values.Sum()}; seeds {string.Join(", ", r.Study.Seeds)}; config hash {E(r.Study.ConfigHash)}; {E(r.Study.Machine)}</p>");
            h.AppendLine(ner ? "<h3>Test log-loss and entity F1 against budget</h3>" : "<h3>Test log-loss against budget</h3>");
            h.AppendLine("<p>Mean over seeds; bars: ± one standard error. A method far off the others' range is drawn as arrows at the edge, its values written above the plot.</p>");
            h.AppendLine("<div class=\"charts\">").AppendLine(LossCurves(r));
            if (ner) h.AppendLine(F1Curves(r));
            h.AppendLine("</div>");
            h.AppendLine("<details><summary>Results per cell</summary>").AppendLine(CultureInfo.InvariantCulture, $"<p>{T(CellsIntro)}</p>").AppendLine(CellTable(r)).AppendLine("</details>");
            h.AppendLine("<h3>Cost beside quality</h3><p>Each method's fit+score time (log scale) against its gain over random: cheap and good is the top left. Whiskers: 95% CI.</p>");
            h.AppendLine(CostScatter(r)).AppendLine(CostTable(r));
            if (DoubledRows(r) is { Count: > 0 } doubled)
            {
                h.AppendLine(CultureInfo.InvariantCulture, $"<h3>At n against random at 2n</h3><p>{T(DoubledIntro)}</p>");
                h.AppendLine("<table class=\"doubled\"><tr><th>method</th><th>budgets n</th><th>against random at 2n</th></tr>");
                foreach (var (label, budgets, g) in doubled) h.AppendLine($"<tr><td>{E(label)}</td><td>{E(budgets)}</td><td>{T(GainText(g))}</td></tr>");
                h.AppendLine("</table>");
            }
            h.AppendLine("<h3>Composition of each selection by pool source</h3><p>Share of selected examples per source, over all budgets and seeds.</p>");
            h.AppendLine(Composition(r, r.Study.Methods));
            if (r.Study.Ablation.Count > 0)
            {
                h.AppendLine("<h3>Ablation</h3><p>Each variant changes only what is listed; same seeds and budgets as its base method. Bars: gain over random at the ablation's budgets (paired, as above); whiskers: 95% CI, clipped at the chart's edge.</p>");
                h.AppendLine(GainBars(AblationGains(r))).AppendLine(AblationTable(r));
                h.AppendLine(Composition(r, r.Study.Ablation.Select(a => a.Name).ToList()));
            }
            h.AppendLine(DiagnosisHtml(r));
            h.Append(ExplainHtml(r));
        }
        h.AppendLine("</body></html>");
        return h.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string GridHtml(Grid grid, string cssClass)
    {
        var s = new StringBuilder($"<table class=\"{cssClass}\"><tr><th>study</th>" + string.Concat(grid.Methods.Select(m => $"<th>{E(m)}</th>")) + "</tr>\n");
        foreach (var (study, values) in grid.Rows)
            s.Append("<tr><td>" + E(study) + "</td>" + string.Concat(values.Select(v => $"<td>{T(v)}</td>")) + "</tr>\n");
        return s.Append("</table>").ToString();
    }

    private static string AblationTable(ExperimentResults r) => SummaryTable(r, SummarizeAblation(r), " class=\"ablation\"", withChanges: true);

    private static string CellTable(ExperimentResults r) => SummaryTable(r, Summarize(r), "", withChanges: false);

    /// <summary>Mean ± s.e. and % over random per (method, budget); ablation tables add what each variant changes.</summary>
    private static string SummaryTable(ExperimentResults r, IEnumerable<CellSummary> rows, string attributes, bool withChanges)
    {
        bool ner = r.Study.Task == "ner";
        var s = new StringBuilder($"<table{attributes}><tr><th>{(withChanges ? "variant</th><th>changes" : "method")}</th><th>budget</th><th>seeds</th><th>test log-loss</th><th>vs random</th>" + (ner ? "<th>F1</th>" : "") + "</tr>\n");
        foreach (var c in rows)
        {
            string changes = withChanges ? $"<td>{E(Changes(r, c.Method))}</td>" : "";
            string f1 = ner ? $"<td>{F1Text(c)}</td>" : "";
            s.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(c.Method)}</td>{changes}<td>{c.Budget}</td><td>{c.Seeds}</td><td>{F(c.MeanLoss)} ± {F(c.StdErr)}</td><td>{Percent(c.ImprovementOverRandom)}</td>{f1}</tr>\n");
        }
        return s.Append("</table>").ToString();
    }

    private static string CostTable(ExperimentResults r)
    {
        var s = new StringBuilder("<table class=\"cost\"><tr><th>method</th><th>fit+score s</th><th>disk MB</th><th>time vs LESS</th><th>disk vs LESS</th><th>gain over random</th></tr>\n");
        var rows = CostRows(r);
        foreach (var row in rows)
            s.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(row.Method)}</td><td>{row.SecondsText}</td><td>{F(row.Bytes / 1e6, "F2")}</td><td>{row.TimeRatioText}</td><td>{Ratio(row.DiskRatio)}</td><td>{T(CostGain(r, row.Method))}</td></tr>\n");
        s.Append("</table><p>Per fit+score (mean over the method's artifacts: one per seed, one in all for DSIR); tov-score-only shares ToV's.");
        if (rows.Any(c => c.Resumed)) s.Append(' ').Append(T(ResumedNote));
        return s.Append("</p>").ToString();
    }

    private static string Composition(ExperimentResults r, IReadOnlyList<string> methods)
    {
        var sources = r.Study.PoolSizes.Keys.Order(StringComparer.Ordinal).ToList();
        var s = new StringBuilder("<table class=\"composition\"><tr><th>method</th><th>share by source</th>");
        foreach (var source in sources) s.Append(CultureInfo.InvariantCulture, $"<th>{E(source)}</th>");
        s.Append("</tr>\n");
        foreach (var method in methods)
        {
            var cells = r.Cells.Where(c => c.Method == method).ToList();
            if (cells.Count == 0) continue;
            double total = Math.Max(1, cells.Sum(c => c.BySource.Values.Sum()));
            var shares = sources.Select(src => cells.Sum(c => c.BySource.GetValueOrDefault(src)) / total).ToList();
            var bar = new StringBuilder("<svg class=\"chart stack\" xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"14\">");
            double x = 0;
            for (int i = 0; i < sources.Count; i++)
            {
                bar.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"0\" width=\"{N(shares[i] * 200)}\" height=\"14\" fill=\"{Palette[i % Palette.Length]}\"><title>{E(sources[i])}</title></rect>");
                x += shares[i] * 200;
            }
            s.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(method)}</td><td>{bar}</svg></td>");
            foreach (var share in shares) s.Append(CultureInfo.InvariantCulture, $"<td>{share * 100:F0}%</td>");
            s.Append("</tr>\n");
        }
        s.Append("</table><div class=\"legend\">");
        for (int i = 0; i < sources.Count; i++) s.Append(CultureInfo.InvariantCulture, $"<span style=\"color:{Palette[i % Palette.Length]}\">■ {E(sources[i])}</span>");
        return s.Append("</div>").ToString();
    }

    /// <summary>One of ToV's highest or lowest scores, with the command that shows the tokens behind it.</summary>
    public sealed record ExplainLink(string End, int Rank, string Source, string Id, double Score, bool? Picked, string Command);

    /// <summary>
    /// ToV's picks to explain in a study: seed <see cref="Seed"/>'s score file (<c>artifacts/tov-s&lt;seed&gt;/scores.parquet</c>),
    /// its top and bottom scored rows, and whether the selection at <see cref="Budget"/> (the largest) picked each, when
    /// that cell's side file is there. <see cref="Present"/> is false where the score file is not (committed results keep only costs).
    /// </summary>
    public sealed record ExplainLinks(int Seed, int Budget, string ScoresPath, bool Present, IReadOnlyList<ExplainLink> Rows);

    /// <summary>The explain links of a study with ToV (tov or tov-score-only), or null for a study without it.</summary>
    public static ExplainLinks? TovExplainLinks(ExperimentResults r, int count = 5)
    {
        var method = r.Study.Methods.FirstOrDefault(m => StudyMethods.UsesMethod(m, StudyMethods.Tov));
        if (method is null || r.Study.Seeds.Count == 0 || r.Study.Budgets.Count == 0) return null;
        int seed = r.Study.Seeds[0], budget = r.Study.Budgets.Max();
        var artifact = Path.Combine(r.Directory, "artifacts", $"{StudyMethods.Tov.Name}-s{seed}");
        var scores = Path.Combine(artifact, ScoreFile.DefaultFileName);
        if (!File.Exists(scores)) return new ExplainLinks(seed, budget, scores, false, []);
        var scored = Winnow.Core.Scoring.ScoreFile.Read(scores).Where(x => !x.InBase && double.IsFinite(x.Score)).ToList();
        var picked = PickedKeys(Winnow.Core.Selection.SubsetSelector.SidePath(
            Path.Combine(r.Directory, "subsets", CellResult.CellKey(method, budget, seed) + ".jsonl"), ".scores.jsonl"));
        string run = Path.Combine(artifact, "run");
        ExplainLink Link(string end, int rank, Winnow.Core.Scoring.ScoreRow x) => new(end, rank, x.Source, x.Id, x.Score,
            picked?.Contains((x.Source, x.Id)),
            $"winnow explain --run {ShellQuote(run)} --scores {ShellQuote(scores)} --id {ShellQuote(x.Id)} --source {ShellQuote(x.Source)}");
        var top = scored.OrderByDescending(x => x.Score).ThenBy(x => x.Row).Take(count).Select((x, i) => Link("top", i + 1, x));
        var bottom = scored.OrderBy(x => x.Score).ThenBy(x => x.Row).Take(count).Select((x, i) => Link("bottom", i + 1, x));
        return new ExplainLinks(seed, budget, scores, true, top.Concat(bottom).ToList());
    }

    // (source, id) of every row of a subset's side file (<out>.scores.jsonl), or null when it is not there.
    private static HashSet<(string, string)>? PickedKeys(string sidePath)
    {
        if (!File.Exists(sidePath)) return null;
        var keys = new HashSet<(string, string)>();
        foreach (var line in File.ReadLines(sidePath).Where(l => l.Length > 0))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            var root = doc.RootElement;
            keys.Add((root.GetProperty("source").GetString() ?? "", root.GetProperty("id").GetString() ?? ""));
        }
        return keys;
    }

    private static string ShellQuote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "_-./:=+,@%".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";

    private static string ExplainIntro(ExplainLinks links) =>
        $"Seed {links.Seed}: ToV's {links.Rows.Count(x => x.End == "top")} highest- and {links.Rows.Count(x => x.End == "bottom")} lowest-scored pool rows " +
        $"(outside U); \"picked\" says whether the selection at the largest budget ({links.Budget}) took the row" +
        (links.Rows.Any(x => x.Picked is null) ? " (?: that selection's side file is not here)" : "") + ". Each command shows the tokens behind the score.";

    private static string PickedText(bool? picked) => picked switch { true => "yes", false => "no", _ => "?" };

    /// <summary>The Markdown form of <see cref="TovExplainLinks"/>: its own section per study, after the ablation.</summary>
    private static string ExplainMarkdown(ExperimentResults r)
    {
        if (TovExplainLinks(r) is not { } links) return "";
        var s = new StringBuilder("### ToV's picks, explained").AppendLine().AppendLine();
        if (!links.Present)
            return s.Append("Score files not present (`").Append(MdCell(Path.GetRelativePath(r.Directory, links.ScoresPath))).AppendLine("`: committed results keep only each artifact's cost); " +
                "rerun the study here to list ToV's top and bottom rows with the `winnow explain` command for each.").AppendLine().ToString();
        s.AppendLine(ExplainIntro(links)).AppendLine();
        s.AppendLine("| end | rank | source | id | score | picked | command |").AppendLine("|---|---:|---|---|---:|---|---|");
        foreach (var x in links.Rows)
            s.AppendLine(CultureInfo.InvariantCulture, $"| {x.End} | {x.Rank} | {MdCell(x.Source)} | {MdCell(x.Id)} | {F(x.Score)} | {PickedText(x.Picked)} | `{MdCell(x.Command)}` |");
        return s.AppendLine().ToString();
    }

    private static string MdCell(string text) => text.Replace("|", "\\|").Replace("\n", " ");

    /// <summary>The HTML form of <see cref="TovExplainLinks"/>.</summary>
    private static string ExplainHtml(ExperimentResults r)
    {
        if (TovExplainLinks(r) is not { } links) return "";
        var s = new StringBuilder("<h3>ToV's picks, explained</h3>\n");
        if (!links.Present)
            return s.Append(CultureInfo.InvariantCulture, $"<p>Score files not present (<code>{E(Path.GetRelativePath(r.Directory, links.ScoresPath))}</code>: committed results keep only each artifact's cost); rerun the study here to list ToV's top and bottom rows with the <code>winnow explain</code> command for each.</p>\n").ToString();
        s.Append("<p>").Append(E(ExplainIntro(links))).Append("</p>\n");
        s.Append("<table class=\"explain\"><tr><th>end</th><th>rank</th><th>source</th><th>id</th><th>score</th><th>picked</th><th>command</th></tr>\n");
        foreach (var x in links.Rows)
            s.Append(CultureInfo.InvariantCulture, $"<tr><td>{x.End}</td><td>{x.Rank}</td><td>{E(x.Source)}</td><td>{E(x.Id)}</td><td>{F(x.Score)}</td><td>{PickedText(x.Picked)}</td><td style=\"text-align:left\"><code>{E(x.Command)}</code></td></tr>\n");
        return s.Append("</table>\n").ToString();
    }
}
