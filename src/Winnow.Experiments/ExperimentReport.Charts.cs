using System.Globalization;
using System.Text;

namespace Winnow.Experiments;

/// <summary>
/// The report's hand-written SVG charts: the headline heatmap, a line chart per study (log-loss, and F1 for NER) with an
/// axis fitted to the methods that are not off the scale, the cost/gain scatter and the ablation bars. Layout is computed
/// here from estimated text widths (deliberately generous), and the browser test checks the result in Chromium.
/// </summary>
public static partial class ExperimentReport
{
    private const double FontSize = 11;

    /// <summary>Estimated rendered width of <paramref name="text"/>: 0.62 em a character over-estimates sans-serif lowercase and digits.</summary>
    private static double TextWidth(string text, double size = FontSize) => text.Length * size * 0.62 + 2;

    private readonly record struct Box(double X, double Y, double W, double H)
    {
        public bool Overlaps(Box o) => X < o.X + o.W && o.X < X + W && Y < o.Y + o.H && o.Y < Y + H;

        public bool Inside(Box o) => X >= o.X && Y >= o.Y && X + W <= o.X + o.W && Y + H <= o.Y + o.H;
    }

    /// <summary>The methods Winnow runs, in the order that fixes their colours, so a method has one colour in every study.</summary>
    private static readonly IReadOnlyList<string> KnownMethods = StudyMethods.Names;

    /// <summary>One colour per method: the known methods' own, then the study's other names (ablation variants) in their order.</summary>
    private static string Colour(ExperimentResults r, string method)
    {
        var names = KnownMethods.Concat(r.Study.Methods.Concat(r.Study.Ablation.Select(a => a.Name)).Where(m => !KnownMethods.Contains(m))).ToList();
        int i = names.IndexOf(method);
        return Palette[(i < 0 ? names.Count : i) % Palette.Length];
    }

    /// <summary>
    /// The value range to draw and the series left off it. A series is off the scale when one of its values lies further
    /// than 1.5 times the others' whole range beyond them (uncertainty's log-loss of 2.5 beside a band of 1.05–1.4), so one
    /// outlier cannot squeeze every other method into a flat line; repeated while at least three series would remain on
    /// it (with fewer, "the others' range" says too little). <paramref name="anchor"/>, when given, is always on the
    /// axis and counts as part of the others' range (0, random's gain, in the scatter).
    /// </summary>
    private static (double Lo, double Hi, HashSet<string> Off) FitAxis(IReadOnlyList<(string Key, double Value)> values, double? anchor = null)
    {
        var off = new HashSet<string>();
        IEnumerable<double> WithAnchor(IEnumerable<double> v) => anchor is { } a ? v.Append(a) : v;
        while (true)
        {
            var on = values.Where(v => !off.Contains(v.Key)).ToList();
            if (on.Select(v => v.Key).Distinct().Count() <= 3) break;
            var sorted = on.Select(v => v.Value).Order().ToList();
            double median = sorted[sorted.Count / 2];
            var candidate = on.GroupBy(v => v.Key).MaxBy(g => g.Max(v => Math.Abs(v.Value - median)))!;
            var rest = WithAnchor(on.Where(v => v.Key != candidate.Key).Select(v => v.Value)).ToList();
            double lo = rest.Min(), hi = rest.Max(), range = Math.Max(hi - lo, 1e-9);
            if (!candidate.Any(v => v.Value > hi + 1.5 * range || v.Value < lo - 1.5 * range)) break;
            off.Add(candidate.Key);
        }
        var kept = WithAnchor(values.Where(v => !off.Contains(v.Key)).Select(v => v.Value)).ToList();
        return kept.Count == 0 ? (0, 1, off) : (kept.Min(), kept.Max(), off);
    }

    /// <summary>
    /// Widens [lo, hi] to hold the error bars, but by at most half the range of the means beyond them (a two-seed interval
    /// can be ten times wider than the differences between methods; its bar is clipped at the edge), then pads 6%.
    /// </summary>
    private static (double Lo, double Hi) WithErrors(double lo, double hi, IEnumerable<(double Lo, double Hi)> errors)
    {
        double range = Math.Max(hi - lo, Math.Max(Math.Abs(hi), 1e-3) * 0.05);
        var list = errors.Where(e => double.IsFinite(e.Lo) && double.IsFinite(e.Hi)).ToList();
        double l = Math.Max(list.Count > 0 ? Math.Min(lo, list.Min(e => e.Lo)) : lo, lo - range / 2);
        double h = Math.Min(list.Count > 0 ? Math.Max(hi, list.Max(e => e.Hi)) : hi, hi + range / 2);
        if (h - l < 1e-9) { l -= range / 2; h += range / 2; }
        double pad = (h - l) * 0.06;
        return (l - pad, h + pad);
    }

    /// <summary>About <paramref name="count"/> round tick values inside [lo, hi] (steps of 1, 2, 2.5 or 5 times a power of ten).</summary>
    private static List<double> NiceTicks(double lo, double hi, int count = 5)
    {
        double raw = (hi - lo) / count, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        var ticks = new List<double>();
        for (double v = Math.Ceiling(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        return ticks;
    }

    private static string TickFormat(List<double> ticks)
    {
        // The fewest decimals that write every tick exactly (a step of 0.0025 needs four).
        for (int decimals = 0; decimals < 6; decimals++)
            if (ticks.All(t => Math.Abs(t * Math.Pow(10, decimals) - Math.Round(t * Math.Pow(10, decimals))) < 1e-6)) return "F" + decimals;
        return "F6";
    }

    private static string Text(double x, double y, string text, string anchor = "start", double size = FontSize, string extra = "") =>
        string.Create(CultureInfo.InvariantCulture, $"<text x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\" font-size=\"{N(size)}\"{extra}>{T(text)}</text>");

    // ---------------------------------------------------------------- heatmap

    /// <summary>The colour scale's end: the 75th percentile of |gain| rounded up to 1, 2 or 5 × 10^k, so outliers saturate instead of washing out the rest.</summary>
    private static double HeatScale(IEnumerable<double> gains)
    {
        var abs = gains.Where(double.IsFinite).Select(Math.Abs).Order().ToList();
        double p75 = abs.Count == 0 ? 1 : Math.Max(1, abs[Math.Max(0, (int)Math.Ceiling(abs.Count * 0.75) - 1)]);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(p75)));
        return new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= p75 - 1e-9);
    }

    /// <summary>Diverging colour around 0: white to blue for lower loss than random, white to red for higher, saturated at ±scale.</summary>
    private static (string Fill, bool Dark) HeatColour(double gain, double scale)
    {
        double t = Math.Min(1, Math.Abs(gain) / scale);
        (int r, int g, int b) end = gain >= 0 ? (33, 102, 172) : (178, 24, 43), white = (247, 247, 247);
        int C(int w, int e) => (int)Math.Round(w + (e - w) * t);
        return ($"#{C(white.r, end.r):x2}{C(white.g, end.g):x2}{C(white.b, end.b):x2}", t > 0.55);
    }

    /// <summary>Study × method: colour = mean gain over random (diverging around 0), in each cell the gain and the paired wins; the study's best outlined.</summary>
    private static string Heatmap(IReadOnlyList<ExperimentResults> studies)
    {
        var methods = studies.SelectMany(r => r.Study.Methods).Where(m => !StudyMethods.IsBaseline(m)).Distinct().ToList();
        var gains = studies.ToDictionary(r => r.Study.Name, r => Headline(r).ToDictionary(g => g.Method));
        if (methods.Count == 0 || gains.Values.All(g => g.Count == 0)) return "<p>No method has a random baseline to compare with yet.</p>";
        var best = studies.ToDictionary(r => r.Study.Name, r => StudyAnswer.Of(r).Best?.Method);
        double scale = HeatScale(gains.Values.SelectMany(g => g.Values.Select(x => x.Mean)));
        double labelWidth = studies.Max(r => TextWidth(r.Study.Name, 12)) + 14, cellWidth = Math.Max(84, methods.Max(m => TextWidth(m)) + 12);
        const double cellHeight = 42, header = 26, legendHeight = 44;
        double width = labelWidth + methods.Count * cellWidth + 10, gridBottom = header + studies.Count * cellHeight;
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"<svg class=\"chart heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(gridBottom + legendHeight)}\">");
        for (int j = 0; j < methods.Count; j++) s.AppendLine(Text(labelWidth + (j + 0.5) * cellWidth, header - 9, methods[j], "middle"));
        for (int i = 0; i < studies.Count; i++)
        {
            string study = studies[i].Study.Name;
            double y = header + i * cellHeight;
            s.AppendLine(Text(labelWidth - 8, y + cellHeight / 2 + 4, study, "end", 12));
            for (int j = 0; j < methods.Count; j++)
            {
                double x = labelWidth + j * cellWidth;
                if (!gains[study].TryGetValue(methods[j], out var g))
                {
                    s.AppendLine(CultureInfo.InvariantCulture, $"<rect class=\"cell\" x=\"{N(x + 1)}\" y=\"{N(y + 1)}\" width=\"{N(cellWidth - 2)}\" height=\"{N(cellHeight - 2)}\" fill=\"#e8e8e8\"/>");
                    s.AppendLine(Text(x + cellWidth / 2, y + cellHeight / 2 + 4, "–", "middle", 12, " fill=\"#888\""));
                    continue;
                }
                var (fill, dark) = HeatColour(g.Mean, scale);
                bool isBest = best[study] == methods[j];
                string stroke = isBest ? " stroke=\"#111\" stroke-width=\"2.5\"" : "";
                s.AppendLine(CultureInfo.InvariantCulture, $"<rect class=\"cell{(isBest ? " best" : "")}\" x=\"{N(x + 2)}\" y=\"{N(y + 2)}\" width=\"{N(cellWidth - 4)}\" height=\"{N(cellHeight - 4)}\" fill=\"{fill}\"{stroke}><title>{T($"{study} · {methods[j]}: {GainText(g)}")}</title></rect>");
                string ink = dark ? " fill=\"#fff\"" : " fill=\"#111\"";
                s.AppendLine(Text(x + cellWidth / 2, y + 19, Pct(g.Mean), "middle", 13, ink + " font-weight=\"bold\""));
                s.AppendLine(Text(x + cellWidth / 2, y + 34, $"{g.Wins}/{g.Pairs} wins", "middle", 10, ink));
            }
        }
        // The colour key: −scale … 0 … +scale.
        double keyX = labelWidth, keyY = gridBottom + 10, keyWidth = 220;
        for (int k = 0; k < 22; k++)
        {
            double v = -scale + (k + 0.5) * 2 * scale / 22;
            s.AppendLine(CultureInfo.InvariantCulture, $"<rect class=\"key\" x=\"{N(keyX + k * keyWidth / 22)}\" y=\"{N(keyY)}\" width=\"{N(keyWidth / 22 + 0.5)}\" height=\"10\" fill=\"{HeatColour(v, scale).Fill}\"/>");
        }
        s.AppendLine(Text(keyX, keyY + 24, Pct(-scale) + " or less", "start", 10));
        s.AppendLine(Text(keyX + keyWidth / 2, keyY + 24, "0", "middle", 10));
        s.AppendLine(Text(keyX + keyWidth, keyY + 24, Pct(scale) + " or more", "end", 10));
        return s.AppendLine("</svg>").ToString();
    }

    // ---------------------------------------------------------------- line charts

    private const string OffScaleSuffix = " (off the scale)";

    private sealed record LinePoint(int Budget, double Mean, double Err);

    private sealed record LineSeries(string Name, string Colour, IReadOnlyList<LinePoint> Points);

    /// <summary>Mean ± standard error over seeds of <paramref name="value"/> per method and budget.</summary>
    private static List<LineSeries> SeriesOf(ExperimentResults r, Func<CellResult, double?> value)
    {
        var list = new List<LineSeries>();
        foreach (var method in r.Study.Methods)
        {
            var points = new List<LinePoint>();
            foreach (var budget in r.Study.Budgets.Order())
            {
                var values = r.Cells.Where(c => c.Method == method && c.Budget == budget).Select(value).OfType<double>().Where(double.IsFinite).ToList();
                if (values.Count == 0) continue;
                var (mean, se) = MeanStdErr(values);
                points.Add(new LinePoint(budget, mean, se));
            }
            if (points.Count > 0) list.Add(new LineSeries(method, Colour(r, method), points));
        }
        return list;
    }

    private static string LossCurves(ExperimentResults r) =>
        LineChart("loss", "test log-loss (lower is better), mean ± s.e. over seeds", r.Study.Budgets, SeriesOf(r, c => c.TestLoss), "F3");

    private static string F1Curves(ExperimentResults r) =>
        LineChart("f1", "entity micro-F1 (higher is better), mean ± s.e. over seeds", r.Study.Budgets, SeriesOf(r, c => c.F1), "F3");

    /// <summary>
    /// One line per series against budget (evenly spaced), ± error bars; series off the scale (<see cref="FitAxis"/>) are
    /// drawn as arrows at the edge, their values written above the plot; the legend, to the right, lists the series in
    /// the order of their last value, top to bottom, as the lines end.
    /// </summary>
    private static string LineChart(string kind, string title, IReadOnlyList<int> studyBudgets, List<LineSeries> series, string format)
    {
        if (series.Count == 0) return "<p>No finished cells yet.</p>";
        var budgets = studyBudgets.Order().Where(b => series.Any(x => x.Points.Any(p => p.Budget == b))).ToList();
        var (lo0, hi0, off) = FitAxis(series.SelectMany(x => x.Points.Select(p => (x.Name, p.Mean))).ToList());
        var on = series.Where(x => !off.Contains(x.Name)).ToList();
        var (lo, hi) = WithErrors(lo0, hi0, on.SelectMany(x => x.Points.Select(p => (p.Mean - p.Err, p.Mean + p.Err))));
        var notes = series.Where(x => off.Contains(x.Name)).Select(x =>
        {
            bool above = x.Points.Average(p => p.Mean) > hi;
            return (Series: x, Above: above, Text: $"{(above ? "▲" : "▼")} {x.Name}, off the scale {(above ? "above" : "below")}: " +
                string.Join(", ", x.Points.Select(p => $"{F(p.Mean, format)} at {p.Budget}")));
        }).ToList();
        var legend = series.OrderByDescending(x => x.Points[^1].Mean).ToList();
        const double left = 60, plotWidth = 460, plotHeight = 240, bottom = 44, rowHeight = 18;
        double top = 30 + 16 * notes.Count, legendX = left + plotWidth + 20, legendWidth = legend.Max(x => TextWidth(x.Name + (off.Contains(x.Name) ? OffScaleSuffix : ""))) + 30;
        double width = Math.Max(Math.Max(legendX + legendWidth + 6, TextWidth(title) + 12), notes.Select(n => TextWidth(n.Text) + 12).DefaultIfEmpty(0).Max());
        double plotBottom = top + plotHeight, height = top + Math.Max(plotHeight, legend.Count * rowHeight) + bottom;
        double X(int budget) => budgets.Count == 1 ? left + plotWidth / 2 : left + 30 + (plotWidth - 60) * budgets.IndexOf(budget) / (budgets.Count - 1);
        double Y(double v) => top + plotHeight * (1 - (Math.Clamp(v, lo, hi) - lo) / (hi - lo));
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"<svg class=\"chart lines {kind}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\">");
        s.AppendLine(Text(4, 15, title));
        for (int k = 0; k < notes.Count; k++) s.AppendLine(Text(4, 15 + 16 * (k + 1), notes[k].Text, "start", FontSize, $" fill=\"{notes[k].Series.Colour}\""));
        var ticks = NiceTicks(lo, hi);
        string tickFormat = TickFormat(ticks);
        foreach (var t in ticks)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{N(left)}\" y1=\"{N(Y(t))}\" x2=\"{N(left + plotWidth)}\" y2=\"{N(Y(t))}\" stroke=\"#e4e4e4\"/>");
            s.AppendLine(Text(left - 6, Y(t) + 4, F(t, tickFormat), "end", 10));
        }
        s.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{N(left)}\" y1=\"{N(plotBottom)}\" x2=\"{N(left + plotWidth)}\" y2=\"{N(plotBottom)}\" stroke=\"#333\"/><line x1=\"{N(left)}\" y1=\"{N(top)}\" x2=\"{N(left)}\" y2=\"{N(plotBottom)}\" stroke=\"#333\"/>");
        foreach (var b in budgets) s.AppendLine(Text(X(b), plotBottom + 16, b.ToString(CultureInfo.InvariantCulture), "middle"));
        s.AppendLine(Text(left + plotWidth / 2, plotBottom + 36, "budget (examples selected)", "middle"));
        for (int i = 0; i < series.Count; i++)
        {
            var x = series[i];
            double shift = (i - (series.Count - 1) / 2.0) * 4; // side by side, so error bars at one budget do not hide each other
            if (off.Contains(x.Name))
            {
                bool above = notes.First(n => n.Series == x).Above;
                foreach (var p in x.Points)
                {
                    double px = X(p.Budget) + shift, edge = above ? top : plotBottom, tip = above ? edge - 1 : edge + 1, baseY = above ? edge + 8 : edge - 8;
                    s.AppendLine(CultureInfo.InvariantCulture, $"<polygon class=\"offscale\" points=\"{N(px - 5)},{N(baseY)} {N(px + 5)},{N(baseY)} {N(px)},{N(tip)}\" fill=\"{x.Colour}\"><title>{T($"{x.Name} at {p.Budget}: {F(p.Mean, format)} ± {F(p.Err, format)}")}</title></polygon>");
                }
                continue;
            }
            s.AppendLine(CultureInfo.InvariantCulture, $"<polyline class=\"series\" fill=\"none\" stroke=\"{x.Colour}\" stroke-width=\"2\" points=\"{string.Join(' ', x.Points.Select(p => $"{N(X(p.Budget) + shift)},{N(Y(p.Mean))}"))}\"/>");
            foreach (var p in x.Points)
            {
                double px = X(p.Budget) + shift;
                if (double.IsFinite(p.Err))
                    s.AppendLine(CultureInfo.InvariantCulture, $"<line class=\"errorbar\" x1=\"{N(px)}\" y1=\"{N(Y(p.Mean - p.Err))}\" x2=\"{N(px)}\" y2=\"{N(Y(p.Mean + p.Err))}\" stroke=\"{x.Colour}\"/>");
                s.AppendLine(CultureInfo.InvariantCulture, $"<circle class=\"point\" cx=\"{N(px)}\" cy=\"{N(Y(p.Mean))}\" r=\"3\" fill=\"{x.Colour}\"><title>{T($"{x.Name} at {p.Budget}: {F(p.Mean, format)} ± {F(p.Err, format)}")}</title></circle>");
            }
        }
        for (int k = 0; k < legend.Count; k++)
        {
            double y = top + 8 + k * rowHeight;
            var x = legend[k];
            s.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{N(legendX)}\" y1=\"{N(y)}\" x2=\"{N(legendX + 18)}\" y2=\"{N(y)}\" stroke=\"{x.Colour}\" stroke-width=\"2\"{(off.Contains(x.Name) ? " stroke-dasharray=\"3,2\"" : "")}/>");
            s.AppendLine(Text(legendX + 24, y + 4, x.Name + (off.Contains(x.Name) ? OffScaleSuffix : "")));
        }
        return s.AppendLine("</svg>").ToString();
    }

    // ---------------------------------------------------------------- cost against gain

    /// <summary>
    /// One point per method: fit+score seconds (log scale; under 0.1 s drawn at 0.1) against its gain over random with its
    /// 95% interval, so cheap-and-good is the top left; labelled beside each point where there is room, and in the legend.
    /// </summary>
    private static string CostScatter(ExperimentResults r)
    {
        const double floor = 0.1;
        var costs = Costs(r);
        // The source-filter control has no fit or score step (it keeps the filter's sources), so it has no cost file: 0 s.
        var all = r.Study.Methods.Where(m => !StudyMethods.IsBaseline(m))
            .Select(m => (Method: m, Gain: PairedGain.Of(r, m), Cost: costs.TryGetValue(CostMethod(m), out var c) ? c.Seconds : StudyMethods.Find(m) is { IsScored: false } ? 0 : (double?)null))
            .Where(p => p.Gain is not null).ToList();
        var points = all.Where(p => p.Cost is not null).Select(p => (p.Method, Gain: p.Gain!, Seconds: p.Cost!.Value)).ToList();
        var unmeasured = all.Where(p => p.Cost is null).Select(p => p.Method).ToList();
        if (points.Count == 0) return "<p>No method has both a measured cost and a random baseline yet.</p>";
        double xLo = Math.Floor(Math.Log10(Math.Max(floor, points.Min(p => p.Seconds)))), xHi = Math.Ceiling(Math.Log10(Math.Max(floor, points.Max(p => p.Seconds))));
        if (xHi <= xLo) xHi = xLo + 1;
        var (lo0, hi0, off) = FitAxis(points.Select(p => (p.Method, p.Gain.Mean)).ToList(), anchor: 0);
        var (lo, hi) = WithErrors(lo0, hi0, points.Where(p => !off.Contains(p.Method)).Select(p => (p.Gain.Low, p.Gain.High)));
        const double left = 60, plotWidth = 440, plotHeight = 260, bottom = 46, top = 30, rowHeight = 18;
        double legendX = left + plotWidth + 20, legendWidth = points.Max(p => TextWidth(p.Method)) + 24;
        string title = "gain over random, % (mean, 95% CI over seed×budget pairs; 0 = random)";
        double width = Math.Max(legendX + legendWidth + 6, TextWidth(title) + 12), plotBottom = top + plotHeight;
        double height = top + Math.Max(plotHeight, points.Count * rowHeight) + bottom;
        // A quarter decade of room on either side, so points at the floor or the top decade do not sit on the axis.
        double X(double seconds) => left + plotWidth * (Math.Log10(Math.Max(floor, seconds)) - xLo + 0.25) / (xHi - xLo + 0.5);
        double Y(double v) => top + plotHeight * (1 - (Math.Clamp(v, lo, hi) - lo) / (hi - lo));
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"<svg class=\"chart scatter\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\">");
        s.AppendLine(Text(4, 15, title));
        var ticks = NiceTicks(lo, hi);
        string tickFormat = TickFormat(ticks);
        foreach (var t in ticks)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{N(left)}\" y1=\"{N(Y(t))}\" x2=\"{N(left + plotWidth)}\" y2=\"{N(Y(t))}\" stroke=\"{(t == 0 ? "#888" : "#e4e4e4")}\"{(t == 0 ? " stroke-dasharray=\"4,3\"" : "")}/>");
            s.AppendLine(Text(left - 6, Y(t) + 4, F(t, tickFormat), "end", 10));
        }
        if (!ticks.Contains(0) && lo < 0 && hi > 0)
            s.AppendLine(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{N(left)}\" y1=\"{N(Y(0))}\" x2=\"{N(left + plotWidth)}\" y2=\"{N(Y(0))}\" stroke=\"#888\" stroke-dasharray=\"4,3\"/>");
        for (double d = xLo; d <= xHi + 1e-9; d++)
        {
            double seconds = Math.Pow(10, d), x = X(seconds);
            s.AppendLine(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{N(x)}\" y1=\"{N(top)}\" x2=\"{N(x)}\" y2=\"{N(plotBottom)}\" stroke=\"#e4e4e4\"/>");
            s.AppendLine(Text(x, plotBottom + 16, (d == xLo && seconds <= floor ? "≤" : "") + seconds.ToString("0.###", CultureInfo.InvariantCulture) + " s", "middle", 10));
        }
        s.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{N(left)}\" y1=\"{N(plotBottom)}\" x2=\"{N(left + plotWidth)}\" y2=\"{N(plotBottom)}\" stroke=\"#333\"/><line x1=\"{N(left)}\" y1=\"{N(top)}\" x2=\"{N(left)}\" y2=\"{N(plotBottom)}\" stroke=\"#333\"/>");
        s.AppendLine(Text(left + plotWidth / 2, plotBottom + 36, "fit+score seconds, log scale (cheaper to the left)", "middle"));

        // Marks first, so the labels can be placed around all of them.
        var plot = new Box(left + 2, top + 2, plotWidth - 4, plotHeight - 4);
        var taken = new List<Box>();
        var marks = new List<(string Method, double X, double Y, double Top, double Bottom, string Label)>();
        foreach (var p in points.OrderBy(p => p.Seconds))
        {
            string colour = Colour(r, p.Method), tip = T($"{p.Method}: {p.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s, {GainText(p.Gain)}");
            double x = X(p.Seconds);
            string label = p.Method + (off.Contains(p.Method) ? " " + Pct(p.Gain.Mean) : "") + (p.Seconds <= 0 ? " (no fit)" : p.Seconds < floor ? " (<0.1 s)" : "");
            if (off.Contains(p.Method))
            {
                bool above = p.Gain.Mean > hi;
                double edge = above ? top : plotBottom, baseY = above ? edge + 9 : edge - 9;
                s.AppendLine(CultureInfo.InvariantCulture, $"<polygon class=\"offscale point\" points=\"{N(x - 5)},{N(baseY)} {N(x + 5)},{N(baseY)} {N(x)},{N(edge)}\" fill=\"{colour}\"><title>{tip}</title></polygon>");
                taken.Add(new Box(x - 6, Math.Min(edge, baseY) - 1, 12, 11));
                marks.Add((p.Method, x, (edge + baseY) / 2, Math.Min(edge, baseY), Math.Max(edge, baseY), label));
                continue;
            }
            double y = Y(p.Gain.Mean), whiskerTop = y - 5, whiskerBottom = y + 5;
            if (p.Gain.HasInterval)
            {
                double y1 = Y(p.Gain.Low), y2 = Y(p.Gain.High);
                s.AppendLine(CultureInfo.InvariantCulture, $"<line class=\"errorbar\" x1=\"{N(x)}\" y1=\"{N(y1)}\" x2=\"{N(x)}\" y2=\"{N(y2)}\" stroke=\"{colour}\" stroke-width=\"1.5\"/>");
                taken.Add(new Box(x - 1.5, Math.Min(y1, y2), 3, Math.Abs(y2 - y1)));
                (whiskerTop, whiskerBottom) = (Math.Min(whiskerTop, Math.Min(y1, y2)), Math.Max(whiskerBottom, Math.Max(y1, y2)));
            }
            s.AppendLine(CultureInfo.InvariantCulture, $"<circle class=\"point\" cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"4.5\" fill=\"{colour}\" stroke=\"#fff\"><title>{tip}</title></circle>");
            taken.Add(new Box(x - 5, y - 5, 10, 10));
            marks.Add((p.Method, x, y, whiskerTop, whiskerBottom, label));
        }
        foreach (var (method, x, y, whiskerTop, whiskerBottom, label) in marks)
            if (PlaceLabel(label, x, y, whiskerTop, whiskerBottom, plot, taken) is { } placed)
            {
                var (box, leader) = placed;
                taken.Add(box);
                if (leader)
                {
                    // Far from its point: a thin line from the point to the label's nearest edge says whose it is.
                    double lx = Math.Clamp(x, box.X, box.X + box.W), ly = Math.Clamp(y, box.Y, box.Y + box.H);
                    s.AppendLine(CultureInfo.InvariantCulture, $"<line class=\"leader\" x1=\"{N(x)}\" y1=\"{N(y)}\" x2=\"{N(lx)}\" y2=\"{N(ly)}\" stroke=\"#aaa\" stroke-width=\"0.8\"/>");
                }
                s.AppendLine(Text(box.X + 1, box.Y + FontSize * 0.95, label, "start", FontSize, $" class=\"label\" fill=\"{Darker(Colour(r, method))}\""));
            }
        for (int k = 0; k < points.Count; k++)
        {
            double y = top + 8 + k * rowHeight;
            s.AppendLine(CultureInfo.InvariantCulture, $"<circle cx=\"{N(legendX + 6)}\" cy=\"{N(y)}\" r=\"4.5\" fill=\"{Colour(r, points[k].Method)}\"/>");
            s.AppendLine(Text(legendX + 16, y + 4, points[k].Method));
        }
        s.AppendLine("</svg>");
        if (unmeasured.Count > 0) s.AppendLine(CultureInfo.InvariantCulture, $"<p>Not drawn, no cost recorded: {T(string.Join(", ", unmeasured))}.</p>");
        return s.ToString();
    }

    /// <summary>
    /// The first spot around (x, y) where <paramref name="label"/> fits inside <paramref name="area"/> without touching
    /// any box in <paramref name="taken"/>: right, left and the diagonals, above the mark's whisker and below it, then
    /// twice and four times as far; failing those, the free spot nearest the point within 160 px, with a leader line.
    /// Null when nothing is free (the legend still names the point).
    /// </summary>
    private static (Box Box, bool Leader)? PlaceLabel(string label, double x, double y, double whiskerTop, double whiskerBottom, Box area, List<Box> taken)
    {
        double w = TextWidth(label), h = FontSize * 1.3;
        bool Free(Box box) => box.Inside(area) && !taken.Any(t => t.Overlaps(box));
        foreach (var d in new[] { 7.0, 14, 28 })
            foreach (var (bx, by) in new[]
            {
                (x + d, y - h / 2), (x - d - w, y - h / 2),
                (x + d * 0.7, y - d * 0.7 - h), (x + d * 0.7, y + d * 0.7), (x - d * 0.7 - w, y - d * 0.7 - h), (x - d * 0.7 - w, y + d * 0.7),
                (x - w / 2, whiskerTop - d / 2 - h), (x - w / 2, whiskerBottom + d / 2),
            })
                if (new Box(bx, by, w, h) is var box && Free(box)) return (box, d > 14);
        Box? best = null;
        double bestDistance = double.MaxValue;
        for (double dy = -160; dy <= 160; dy += 4)
            for (double dx = -160; dx <= 160; dx += 4)
            {
                var box = new Box(x + dx - w / 2, y + dy - h / 2, w, h);
                double distance = dx * dx + dy * dy;
                if (distance < bestDistance && Free(box)) (best, bestDistance) = (box, distance);
            }
        return best is { } found ? (found, true) : null;
    }

    /// <summary>A darker shade of a palette colour, so label text stays readable on the light background.</summary>
    private static string Darker(string hex)
    {
        int V(int i) => (int)(Convert.ToInt32(hex.Substring(i, 2), 16) * 0.7);
        return $"#{V(1):x2}{V(3):x2}{V(5):x2}";
    }

    // ---------------------------------------------------------------- ablation bars

    /// <summary>
    /// One bar per row: its gain over random (mean, whisker = 95% interval, clipped at the chart's edge), the label in its
    /// own column on the left and the value to the right of everything drawn in its row, so text never sits on a bar.
    /// </summary>
    private static string GainBars(IReadOnlyList<(string Label, PairedGain Gain)> rows)
    {
        if (rows.Count == 0) return "<p>No row has a random baseline to compare with yet.</p>";
        double extent = Math.Max(1, rows.Max(x => Math.Abs(x.Gain.Mean)) * 1.3);
        const double rowHeight = 24, half = 220, valueWidth = 70;
        double labelWidth = rows.Max(x => TextWidth(x.Label, 12)) + 12, zero = labelWidth + half;
        double width = labelWidth + 2 * half + valueWidth, height = rows.Count * rowHeight + 34;
        double X(double v) => zero + Math.Clamp(v, -extent, extent) / extent * half;
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"<svg class=\"chart bars\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\">");
        for (int i = 0; i < rows.Count; i++)
        {
            var (label, g) = rows[i];
            double y = 6 + i * rowHeight, x0 = Math.Min(X(0), X(g.Mean)), x1 = Math.Max(X(0), X(g.Mean)), right = x1;
            s.AppendLine(Text(labelWidth - 8, y + 15, label, "end", 12));
            s.AppendLine(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{N(x0)}\" y=\"{N(y + 4)}\" width=\"{N(Math.Max(1, x1 - x0))}\" height=\"{N(rowHeight - 8)}\" fill=\"{(g.Mean >= 0 ? "#4e79a7" : "#e15759")}\"><title>{T($"{label}: {GainText(g)}")}</title></rect>");
            if (g.HasInterval)
            {
                double l = X(g.Low), h = X(g.High);
                s.AppendLine(CultureInfo.InvariantCulture, $"<line class=\"errorbar\" x1=\"{N(l)}\" y1=\"{N(y + rowHeight / 2)}\" x2=\"{N(h)}\" y2=\"{N(y + rowHeight / 2)}\" stroke=\"#333\"/>");
                right = Math.Max(right, h);
            }
            s.AppendLine(Text(Math.Max(right, zero) + 6, y + 15, Pct(g.Mean), "start", FontSize));
        }
        double axisY = rows.Count * rowHeight + 8;
        s.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{N(zero)}\" y1=\"4\" x2=\"{N(zero)}\" y2=\"{N(axisY)}\" stroke=\"#333\"/>");
        s.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{N(labelWidth)}\" y1=\"{N(axisY)}\" x2=\"{N(labelWidth + 2 * half)}\" y2=\"{N(axisY)}\" stroke=\"#999\"/>");
        foreach (var v in new[] { -extent, 0, extent })
            s.AppendLine(Text(X(v), axisY + 16, Pct(v), v < 0 ? "start" : v > 0 ? "end" : "middle", 10));
        return s.AppendLine("</svg>").ToString();
    }
}
