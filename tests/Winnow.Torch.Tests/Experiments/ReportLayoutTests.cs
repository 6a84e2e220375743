using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Winnow.Experiments;
using Winnow.Torch.Tests.TestSupport;

namespace Winnow.Torch.Tests.Experiments;

/// <summary>
/// The report as a reader sees it: rendered by headless Chromium, with a script (added to a copy, never to the report)
/// that measures every text of every chart and lists the ones that overlap another text, a bar, a point, an error bar
/// or an off-scale arrow, or run outside their chart. Skipped, with the reason, where no Chromium is installed.
/// </summary>
public sealed class ReportLayoutTests
{
    private const string Checker = """
        <script>
        (function () {
          var problems = [], texts = 0, charts = 0, kinds = [];
          function overlap(a, b) { return a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5; }
          function name(e) { return (e.textContent || '').trim().slice(0, 60); }
          document.querySelectorAll('svg.chart').forEach(function (svg, si) {
            charts++;
            kinds.push(svg.getAttribute('class'));
            var box = svg.getBoundingClientRect(), kind = svg.getAttribute('class') + ' #' + si;
            var ts = [].slice.call(svg.querySelectorAll('text')).map(function (t) { return { e: t, r: t.getBoundingClientRect() }; })
              .filter(function (x) { return x.r.width > 0; });
            var marks = [].slice.call(svg.querySelectorAll('.bar, .point, .errorbar, .offscale')).map(function (m) { return { e: m, r: m.getBoundingClientRect() }; });
            texts += ts.length;
            ts.forEach(function (a, i) {
              if (a.r.left < box.left - 0.5 || a.r.right > box.right + 0.5 || a.r.top < box.top - 0.5 || a.r.bottom > box.bottom + 0.5)
                problems.push(kind + ': "' + name(a.e) + '" runs outside the chart');
              for (var j = i + 1; j < ts.length; j++)
                if (overlap(a.r, ts[j].r)) problems.push(kind + ': "' + name(a.e) + '" overlaps "' + name(ts[j].e) + '"');
              marks.forEach(function (m) {
                if (overlap(a.r, m.r)) problems.push(kind + ': "' + name(a.e) + '" overlaps a ' + m.e.getAttribute('class') + ' (' + name(m.e) + ')');
              });
            });
          });
          var pre = document.createElement('pre');
          pre.id = 'layout-check';
          pre.textContent = JSON.stringify({ charts: charts, kinds: kinds, texts: texts, problems: problems });
          document.body.appendChild(pre);
        })();
        </script>
        """;

    private sealed record Layout(int Charts, List<string> Kinds, int Texts, List<string> Problems);

    /// <summary>Renders a copy of <paramref name="html"/> with the checker in Chromium and reads what it wrote into the DOM.</summary>
    private static Layout Measure(string html, string dir)
    {
        var page = Path.Combine(dir, "layout-check.html");
        File.WriteAllText(page, html.Replace("</body>", Checker + "</body>", StringComparison.Ordinal));
        var start = new ProcessStartInfo(ChromiumFactAttribute.Chromium!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000", "--dump-dom", "file://" + page })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var dom = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(90_000), "chromium did not finish in 90 s");
        var match = System.Text.RegularExpressions.Regex.Match(dom.Result, "<pre id=\"layout-check\">(.*?)</pre>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(match.Success, "the layout check wrote nothing into the page");
        using var json = JsonDocument.Parse(WebUtility.HtmlDecode(match.Groups[1].Value));
        var root = json.RootElement;
        return new Layout(root.GetProperty("charts").GetInt32(), root.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()!).ToList(), root.GetProperty("texts").GetInt32(),
            root.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList());
    }

    /// <summary>
    /// A study made to be hard to lay out: eight methods whose losses and costs lie close together, one (uncertainty)
    /// far off the scale, tov and tov-score-only sharing one cost, a long study name, and an ablation variant at −107%.
    /// </summary>
    public static string MakeCrowdedStudy(string dir)
    {
        string[] methods = ["random", "source-filter", "uncertainty", "less", "tsds", "dsir", "tov", "tov-score-only"];
        ExperimentResults.Write(Path.Combine(dir, ExperimentResults.StudyFile),
            new StudyInfo("ner-a-rather-long-study-name-for-the-layout", "ner", "abc", "x.yaml", methods, [50, 100, 200], [0, 1, 2, 3, 4],
                new Dictionary<string, int> { ["music"] = 40, ["news"] = 960 }, 100, 200, "model", "test machine", "2026-01-01")
            {
                Ablation = [new AblationInfo("tov-transform-abs", "tov", "transform=abs"), new AblationInfo("tov-no-binning", "tov", "bins=1")],
                AblationBudgets = [50],
            });
        var rng = new Random(7);
        var offset = new Dictionary<string, double>
        {
            ["random"] = 0, ["source-filter"] = -0.05, ["uncertainty"] = 1.5, ["less"] = -0.02, ["tsds"] = -0.03, ["dsir"] = -0.01,
            ["tov"] = -0.04, ["tov-score-only"] = -0.045, ["tov-transform-abs"] = 1.1, ["tov-no-binning"] = -0.035,
        };
        foreach (var (method, delta) in offset)
            foreach (var budget in method.StartsWith("tov-t", StringComparison.Ordinal) || method.StartsWith("tov-n", StringComparison.Ordinal) ? new[] { 50 } : [50, 100, 200])
                for (int seed = 0; seed < 5; seed++)
                {
                    double loss = 1.0 - budget / 1000.0 + delta + rng.NextDouble() * 0.02;
                    var cell = new CellResult(method, budget, seed, budget, new Dictionary<string, int> { ["music"] = 5, ["news"] = budget - 5 },
                        loss, 0.01, 0.2 + rng.NextDouble() * 0.05, 0.5, 0.5, 0.1, 1, method + "-s" + seed);
                    ExperimentResults.Write(Path.Combine(dir, "cells", cell.Key + ".json"), cell);
                }
        foreach (var (method, seconds) in new[] { ("random", 0.2), ("uncertainty", 30.0), ("less", 500.0), ("tsds", 45.0), ("dsir", 0.3), ("tov", 170.0), ("tov-transform-abs", 370.0) })
            ExperimentResults.Write(Path.Combine(dir, "artifacts", method + "-s0", "cost.json"), new ArtifactCost(method, method + "-s0", seconds * 0.6, seconds * 0.4, 1_000_000L, "s"));
        return dir;
    }

    [ChromiumFact]
    public void No_chart_text_overlaps_a_bar_a_point_or_another_text()
    {
        using var dir = new TempDir();
        var studies = new List<ExperimentResults>
        {
            ExperimentResults.Load(MakeCrowdedStudy(Path.Combine(dir.Path, "crowded"))),
            ExperimentResults.Load(ExperimentReportTests.MakeResultsWithAblation(Path.Combine(dir.Path, "small"))),
        };
        var layout = Measure(ExperimentReport.Html(studies), dir.Path);
        // The heatmap, and per study the loss and F1 curves, the cost scatter and the ablation bars (besides the composition stacks).
        Assert.Equal(["chart heatmap", "chart lines loss", "chart lines f1", "chart scatter", "chart bars", "chart lines loss", "chart lines f1", "chart scatter", "chart bars"],
            layout.Kinds.Where(k => k != "chart stack"));
        Assert.True(layout.Texts > 100, $"only {layout.Texts} texts measured");
        Assert.True(layout.Problems.Count == 0, string.Join("\n", layout.Problems));
    }

    /// <summary>The committed results folders, each rendered as its own report, laid out as cleanly as the made-up one.</summary>
    [ChromiumFact]
    public void The_committed_results_render_without_overlaps()
    {
        var results = Path.Combine(RepoPaths.Root, "bench", "results");
        var groups = Directory.EnumerateDirectories(results).Order(StringComparer.Ordinal)
            .Select(g => Directory.EnumerateFiles(g, ExperimentResults.StudyFile, SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(Path.GetDirectoryName).ToList())
            .Where(g => g.Count > 0).ToList();
        Assert.NotEmpty(groups); // the clone ships its results folders
        using var dir = new TempDir();
        foreach (var group in groups)
        {
            var layout = Measure(ExperimentReport.Html(group.Select(f => ExperimentResults.Load(f!)).ToList()), dir.Path);
            Assert.True(layout.Charts > 0);
            Assert.True(layout.Problems.Count == 0, string.Join(", ", group) + ":\n" + string.Join("\n", layout.Problems));
        }
    }

    /// <summary>The checker itself finds what it is for: a value written over its bar, two labels on one spot, a label cut off.</summary>
    [ChromiumFact]
    public void The_checker_finds_overlaps_it_is_meant_to_find()
    {
        using var dir = new TempDir();
        const string html = """
            <!DOCTYPE html><html><body>
            <svg class="chart bars" xmlns="http://www.w3.org/2000/svg" width="300" height="60">
            <rect class="bar" x="10" y="5" width="200" height="16"/><text x="20" y="18" font-size="12">-107.8%</text>
            <text x="230" y="50" font-size="12">tov</text><text x="232" y="52" font-size="12">less</text>
            <text x="280" y="30" font-size="12">cut off</text>
            </svg></body></html>
            """;
        var layout = Measure(html, dir.Path);
        Assert.Equal(1, layout.Charts);
        Assert.Contains(layout.Problems, p => p.Contains("\"-107.8%\" overlaps a bar", StringComparison.Ordinal));
        Assert.Contains(layout.Problems, p => p.Contains("\"tov\" overlaps \"less\"", StringComparison.Ordinal));
        Assert.Contains(layout.Problems, p => p.Contains("\"cut off\" runs outside the chart", StringComparison.Ordinal));
        Assert.Equal(3, layout.Problems.Count);
    }
}
