using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Winnow.Core.Scoring;
using Winnow.Torch.Methods.Tov;

namespace Winnow.Cli.Commands;

/// <summary>
/// <c>winnow explain --run RUN --scores S (--id ID [--source SRC] | --row N | --top K | --bottom K) [--json]</c>: why ToV
/// scored a pool row as it did. Shows the row's φ from the score file and, per predicted token (NER: each word with its
/// gold label; instruction data: each completion token), Δ = log p(θ_val^k) − log p(θ_bas^k) per epoch, the mean over
/// the epochs φ counts, and the token's share of the score; then the tokens that raised and lowered it most. φ is
/// recomputed from those Δ with the file's transform, aggregation and skip_epochs, and matches the file.
/// </summary>
internal static class ExplainCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "The finished ToV run folder that wrote the scores (from `winnow fit --method tov`).", Required = true };
        var scores = new Option<string>("--scores") { Description = "Score file written with that run (from `winnow score`).", Required = true };
        var id = new Option<string?>("--id") { Description = "Explain the pool example with this id." };
        var source = new Option<string?>("--source") { Description = "With --id: the example's source, when the id is in several." };
        var row = new Option<long?>("--row") { Description = "Explain the example at this pool row (the score file's row column)." };
        var top = new Option<int?>("--top") { Description = "Explain the K highest-scored rows." };
        var bottom = new Option<int?>("--bottom") { Description = "Explain the K lowest-scored rows." };
        var json = new Option<bool>("--json") { Description = "Write the explanation as JSON (an array for --top/--bottom) instead of tables." };
        var threads = CommonOptions.Threads();
        var command = new Command("explain", "Show why ToV scored a pool row as it did: each predicted token's log-prob change per epoch.");
        foreach (var option in new Option[] { run, scores, id, source, row, top, bottom, json, threads }) command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(CliErrors.Guard(() =>
        {
            CommonOptions.ApplyRuntime(parseResult, threads);
            var (idValue, sourceValue, rowValue, topValue, bottomValue) =
                (parseResult.GetValue(id), parseResult.GetValue(source), parseResult.GetValue(row), parseResult.GetValue(top), parseResult.GetValue(bottom));
            int modes = (idValue is null ? 0 : 1) + (rowValue is null ? 0 : 1) + (topValue is null ? 0 : 1) + (bottomValue is null ? 0 : 1);
            if (modes != 1) throw new ArgumentException("Give exactly one of --id ID, --row N, --top K or --bottom K.");
            if (sourceValue is not null && idValue is null) throw new ArgumentException("--source goes with --id.");
            if (topValue is < 1 || bottomValue is < 1) throw new ArgumentException("--top and --bottom take a count of at least 1.");

            using var explainer = TovExplainer.Open(parseResult.GetValue(run)!, parseResult.GetValue(scores)!);
            bool many = topValue is not null || bottomValue is not null;
            IReadOnlyList<ScoreRow> rows = idValue is not null ? [explainer.FindId(idValue, sourceValue)]
                : rowValue is { } r ? [explainer.FindRow(r)]
                : topValue is { } k ? explainer.Top(k)
                : explainer.Bottom(bottomValue!.Value);
            if (rows.Count == 0) throw new ArgumentException($"{explainer.ScoresPath} has no scored rows.");
            var explanations = explainer.Explain(rows, cancellationToken);

            if (parseResult.GetValue(json))
            {
                Console.Out.WriteLine(many ? JsonSerializer.Serialize(explanations, Json) : JsonSerializer.Serialize(explanations[0], Json));
                return 0;
            }
            // A console over today's Console.Out (AnsiConsole's static one keeps the writer it first saw).
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            if (many)
            {
                int scored = explainer.Rows.Count(x => !x.InBase && double.IsFinite(x.Score));
                console.MarkupLine($"[bold]{(topValue is not null ? "Top" : "Bottom")} {rows.Count}[/] of {scored} scored rows by score, {Markup.Escape(explainer.ScoresPath)}");
            }
            for (int i = 0; i < explanations.Count; i++)
            {
                if (many) console.Write(new Rule($"{i + 1} of {explanations.Count}").LeftJustified());
                Render(console, explanations[i]);
            }
            return 0;
        })));
        return command;
    }

    private static string Signed(double v, string format = "0.0000") =>
        double.IsNaN(v) ? "–" : v.ToString("+" + format + ";-" + format + ";" + format, CultureInfo.InvariantCulture);

    private static string Plain(double v, string format) => double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Decimals that show the largest of <paramref name="values"/> with three significant digits (4 to 8).</summary>
    private static int Decimals(IEnumerable<double> values)
    {
        double max = values.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        return max <= 0 ? 4 : Math.Clamp((int)Math.Ceiling(-Math.Log10(max)) + 2, 4, 8);
    }

    private static string Coloured(double v, bool dim = false, int decimals = 4)
    {
        string text = Signed(v, "0." + new string('0', decimals));
        string colour = v > 0 ? "green" : v < 0 ? "red" : "";
        if (dim) colour = (colour + " dim").Trim();
        return colour.Length == 0 ? text : $"[{colour}]{text}[/]";
    }

    /// <summary>A token as shown: instruction tokens quoted (their leading spaces matter), control characters escaped.</summary>
    private static string Shown(TovExplanation e, string text)
    {
        var escaped = text.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");
        return e.Kind == "ner" ? escaped : "\"" + escaped.Replace("\"", "\\\"") + "\"";
    }

    private static void Render(IAnsiConsole console, TovExplanation e)
    {
        // Short lines: a redirected console wraps at 80 columns.
        console.MarkupLine($"[bold]{Markup.Escape(e.Source)}[/] · id [bold]{Markup.Escape(e.Id)}[/] (pool row {e.Row})");
        string counted = e.SkipEpochs > 0 ? $"epochs 1–{e.SkipEpochs} left out" : "all counted";
        var f = e.File;
        string format = "0." + new string('0', Decimals([f.Score, f.PhiIdentity, f.PhiAbs, f.PhiPositive, .. f.PhiIdentityEpochs]));
        console.MarkupLine($"score {Coloured(f.Score, decimals: format.Length - 2)} (transform {e.Transform}, aggregate {e.Aggregation}, {e.Epochs} epochs, {counted})");
        string epochs = string.Join(", ", f.PhiIdentityEpochs.Select(v => Signed(v, format)));
        console.MarkupLine($"φ identity {Signed(f.PhiIdentity, format)} · abs {Plain(f.PhiAbs, format)} · positive {Plain(f.PhiPositive, format)}");
        console.MarkupLine($"φ identity per epoch: {(epochs.Length > 0 ? epochs : "–")} · in_base: {(e.InBase ? "yes" : "no")}");
        if (e.Note is not null)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(e.Note)}[/]");
            return;
        }
        var recomputed = e.Recomputed!;
        string against = e.Fits > 1 ? $"the first fit's; the file's is the mean of {e.Fits} fits"
            : recomputed.MaxDifference(e.File) <= 1e-5 ? "matches the file"
            : "[yellow]differs from the file: model, adapters or pool changed since scoring[/]";
        console.MarkupLine($"score recomputed from the Δ below: {Signed(recomputed.Score, format)}, {against}");

        var table = new Table().AddColumn(new TableColumn("#").RightAligned()).AddColumn(e.Kind == "ner" ? "word" : "token");
        bool ner = e.Tokens.Any(t => t.Label is not null);
        if (ner) table.AddColumn("gold");
        for (int k = 0; k < e.Epochs; k++)
            table.AddColumn(new TableColumn(k < e.SkipEpochs ? $"[dim]Δ ep {k + 1} (left out)[/]" : $"Δ ep {k + 1}").RightAligned());
        table.AddColumn(new TableColumn("mean Δ").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        int deltaDecimals = Decimals(e.Tokens.SelectMany(t => t.Deltas)), shareDecimals = Decimals(e.Tokens.Select(t => t.Contribution));
        foreach (var t in e.Tokens)
        {
            var cells = new List<string> { (t.Index + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(Shown(e, t.Text)) };
            if (ner) cells.Add(Markup.Escape(t.Label ?? ""));
            cells.AddRange(t.Deltas.Select((d, k) => Coloured(d, dim: k < e.SkipEpochs, deltaDecimals)));
            cells.Add(Coloured(t.MeanDelta, decimals: deltaDecimals));
            cells.Add(Coloured(t.Contribution, decimals: shareDecimals));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        console.MarkupLine($"raised φ most: {Names(e, e.Raising(3), shareDecimals)}");
        console.MarkupLine($"lowered φ most: {Names(e, e.Lowering(3), shareDecimals)}");
    }

    private static string Names(TovExplanation e, IReadOnlyList<TovTokenChange> tokens, int decimals) =>
        tokens.Count == 0 ? "none" : string.Join(", ", tokens.Select(t => $"{Markup.Escape(Shown(e, t.Text))} (#{t.Index + 1}, {Coloured(t.Contribution, decimals: decimals)})"));
}
