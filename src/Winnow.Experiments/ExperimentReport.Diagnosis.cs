using System.Globalization;
using System.Text;

namespace Winnow.Experiments;

public static partial class ExperimentReport
{
    public const string DiagnosisCsvFile = "diagnosis.csv";

    /// <summary>The study's own sets shown beside the selections.</summary>
    private static readonly string[] StudySets = ["test", "target", "pool"];

    /// <summary>
    /// The in-domain pool sources of a study: its <c>source_filter</c>, or, for studies recorded before that was kept,
    /// the sources its <c>source-filter</c> cells drew from. Empty when neither is known.
    /// </summary>
    public static IReadOnlyList<string> InDomainSources(ExperimentResults r) =>
        r.Study.SourceFilter.Count > 0
            ? r.Study.SourceFilter
            : r.Cells.Where(c => c.Method == StudyMethods.SourceFilter.Name).SelectMany(c => c.BySource.Where(kv => kv.Value > 0).Select(kv => kv.Key))
                .Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Budgets with a diagnosis table: the study's and the ablation's.</summary>
    public static IReadOnlyList<int> DiagnosisBudgets(ExperimentResults r) =>
        r.Study.Budgets.Concat(r.Study.Ablation.Count > 0 ? r.Study.AblationBudgets : []).Distinct().Order().ToList();

    /// <summary>
    /// The diagnosis at one budget: test, target and pool, then every method (and ablation variant at the ablation's
    /// budgets) with at least one finished cell that has a composition. Mean test log-loss over those cells, and the mean
    /// over them of the difference to random's test log-loss at the same budget and seed (cells without one left out).
    /// </summary>
    public static List<DiagnosisRow> Diagnosis(ExperimentResults r, int budget)
    {
        var inDomain = InDomainSources(r);
        var rows = new List<DiagnosisRow>();
        foreach (var set in StudySets)
            if (r.DataCompositions.FirstOrDefault(c => c.Set == set) is { } c)
                rows.Add(Row(set, true, [c], null, null, set == "pool" && inDomain.Count > 0));
        var random = r.Cells.Where(c => StudyMethods.IsBaseline(c.Method) && c.Budget == budget).ToDictionary(c => c.Seed, c => c.TestLoss);
        var budgets = r.Study.AblationBudgets.Count > 0 ? r.Study.AblationBudgets : r.Study.Budgets;
        var methods = r.Study.Methods.Concat(budgets.Contains(budget) ? r.Study.Ablation.Select(a => a.Name) : []);
        foreach (var method in methods)
        {
            var cells = r.Cells.Where(c => c.Method == method && c.Budget == budget && r.Compositions.ContainsKey(c.Key)).OrderBy(c => c.Seed).ToList();
            if (cells.Count == 0) continue;
            var paired = cells.Where(c => random.ContainsKey(c.Seed)).Select(c => c.TestLoss - random[c.Seed]).ToList();
            rows.Add(Row(method, false, cells.Select(c => r.Compositions[c.Key]).ToList(), cells.Average(c => c.TestLoss),
                paired.Count > 0 ? paired.Average() : null, inDomain.Count > 0));
        }
        return rows;

        DiagnosisRow Row(string name, bool isSet, List<SetComposition> sets, double? loss, double? delta, bool withInDomain)
        {
            double? Mean(Func<SetComposition, double?> value) => sets.All(s => value(s) is not null) ? sets.Average(s => value(s)!.Value) : null;
            var types = sets.Any(s => s.EntityTypeShares is null) ? null
                : sets.SelectMany(s => s.EntityTypeShares!.Keys).Distinct().Order(StringComparer.Ordinal)
                    .ToDictionary(t => t, t => sets.Average(s => s.EntityTypeShares!.GetValueOrDefault(t)), StringComparer.Ordinal);
            return new DiagnosisRow(name, isSet, sets.Count, sets.Average(s => s.Rows),
                withInDomain ? sets.Average(s => s.ShareFrom(inDomain)) : null,
                Mean(s => s.FromScores is { } f && s.Rows > 0 ? f / (double)s.Rows : null),
                Mean(s => s.EntityTokenShare), Mean(s => s.NoEntityRowShare), Mean(s => s.MeanTokens), types,
                Mean(s => s.MeanPromptWords), Mean(s => s.MeanCompletionWords), loss, delta);
        }
    }

    private static string Share(double? v) => v is { } x && double.IsFinite(x) ? (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";

    private static string Number(double? v, string format = "0.0") => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Signed(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture) : "–";

    private static string Types(IReadOnlyDictionary<string, double>? shares) =>
        shares is null || shares.Count == 0 ? "–"
            : string.Join(" · ", shares.Select(kv => kv.Key + " " + (kv.Value * 100).ToString("0", CultureInfo.InvariantCulture)));

    /// <summary>The columns of a study's diagnosis table and each row's cells as text.</summary>
    private static (List<string> Header, List<List<string>> Rows) DiagnosisGrid(ExperimentResults r, int budget)
    {
        bool ner = r.Study.Task == "ner";
        var inDomain = InDomainSources(r);
        var header = new List<string> { "set / method", "seeds", "rows" };
        if (inDomain.Count > 0) header.Add("from " + string.Join("+", inDomain));
        header.Add("by score");
        header.AddRange(ner ? ["entity tokens", "rows without entity", "tokens per row", "entity types (% of entity tokens)"] : ["prompt words", "completion words"]);
        header.AddRange(["test log-loss", "Δ vs random"]);
        var rows = Diagnosis(r, budget).Select(d =>
        {
            var row = new List<string> { d.IsStudySet ? d.Name + " set" : d.Name, d.IsStudySet ? "–" : d.Cells.ToString(CultureInfo.InvariantCulture), Number(d.Rows, "0.#") };
            if (inDomain.Count > 0) row.Add(Share(d.InDomainShare));
            row.Add(Share(d.FromScoresShare));
            row.AddRange(ner ? [Share(d.EntityTokenShare), Share(d.NoEntityRowShare), Number(d.MeanTokens), Types(d.EntityTypeShares)]
                : [Number(d.MeanPromptWords), Number(d.MeanCompletionWords)]);
            row.AddRange([d.MeanLoss is { } l ? F(l) : "–", Signed(d.LossMinusRandom)]);
            return row;
        }).ToList();
        return (header, rows);
    }

    private static string DiagnosisIntro(ExperimentResults r)
    {
        var inDomain = InDomainSources(r);
        return "What each selection holds, computed from the row files (`data/composition.json`, `subsets/*.composition.json`): " +
            "per budget, the mean over seeds of each finished cell's value, with the study's test, target and pool sets for comparison. " +
            (inDomain.Count > 0 ? $"From {string.Join("+", inDomain)}: share of rows from the in-domain pool source{(inDomain.Count > 1 ? "s" : "")}" +
                (r.Study.SourceFilter.Count > 0 ? " (the study's source_filter). " : " (the sources the source-filter cells drew from). ") : "") +
            "By score: share of rows taken by score rank (the rest drawn at random; – where the subset has no score summary). " +
            (r.Study.Task == "ner"
                ? "Entity tokens: non-O tags among all tags; rows without entity: rows whose tags are all O; tokens per row: words; entity types: each type's share of the entity tokens. "
                : "Prompt and completion words: whitespace-separated words per row. ") +
            "Test log-loss: mean over the same cells; Δ vs random: mean over those seeds of the cell's test log-loss minus random's at the same budget and seed (negative = lower loss than random). " +
            $"Per cell: `{DiagnosisCsvFile}` next to this report.";
    }

    private static string NoComposition =>
        "No composition files in this results folder: they are computed from the subset and data files by `winnow experiment run` or `winnow experiment report` where those files are present.";

    private static bool HasDiagnosis(ExperimentResults r) => r.Compositions.Count > 0 || r.DataCompositions.Count > 0;

    private static string DiagnosisMarkdown(ExperimentResults r)
    {
        var s = new StringBuilder("Diagnosis. ");
        if (!HasDiagnosis(r)) return s.AppendLine(NoComposition).AppendLine().ToString();
        s.AppendLine(DiagnosisIntro(r)).AppendLine();
        foreach (var budget in DiagnosisBudgets(r))
        {
            var (header, rows) = DiagnosisGrid(r, budget);
            s.AppendLine(CultureInfo.InvariantCulture, $"Diagnosis at budget {budget}:").AppendLine();
            s.AppendLine("| " + string.Join(" | ", header) + " |");
            s.AppendLine("|---|" + string.Concat(header.Skip(1).Select(_ => "---:|")));
            foreach (var row in rows) s.AppendLine("| " + string.Join(" | ", row) + " |");
            s.AppendLine();
        }
        return s.ToString();
    }

    private static string DiagnosisHtml(ExperimentResults r)
    {
        var s = new StringBuilder("<h3>Diagnosis</h3>");
        if (!HasDiagnosis(r)) return s.Append("<p>").Append(T(NoComposition.Replace("`", "", StringComparison.Ordinal))).Append("</p>").ToString();
        s.Append("<p>").Append(T(DiagnosisIntro(r).Replace("`", "", StringComparison.Ordinal))).AppendLine("</p>");
        foreach (var budget in DiagnosisBudgets(r))
        {
            var (header, rows) = DiagnosisGrid(r, budget);
            s.AppendLine(CultureInfo.InvariantCulture, $"<h4>Budget {budget}</h4><table class=\"diagnosis\"><tr>{string.Concat(header.Select(h => $"<th>{T(h)}</th>"))}</tr>");
            foreach (var row in rows) s.AppendLine("<tr>" + string.Concat(row.Select(v => $"<td>{T(v)}</td>")) + "</tr>");
            s.AppendLine("</table>");
        }
        return s.ToString();
    }

    /// <summary>Text in HTML: markup characters escaped, the rest (–, Δ, ·) left as UTF-8.</summary>
    private static string T(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>
    /// Every composition of every study, one line each: the study's sets, then each subset with its cell's test log-loss
    /// and the difference to random's of the same budget and seed.
    /// </summary>
    public static string DiagnosisCsv(IReadOnlyList<ExperimentResults> studies)
    {
        var s = new StringBuilder("study,set,method,budget,seed,rows,in_domain_share,from_scores,from_random,from_neighbours,entity_token_share,no_entity_row_share," +
            "mean_tokens,entity_type_shares,mean_prompt_words,mean_completion_words,by_source,test_loss,random_test_loss_same_seed,loss_minus_random_same_seed\n");
        static string V(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("0.######", CultureInfo.InvariantCulture) : "";
        static string I(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";
        static string Csv(string v) => v.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
        foreach (var r in studies)
        {
            var inDomain = InDomainSources(r);
            var cells = r.Cells.ToDictionary(c => c.Key, StringComparer.Ordinal);
            var random = r.Cells.Where(c => StudyMethods.IsBaseline(c.Method)).ToDictionary(c => (c.Budget, c.Seed), c => c.TestLoss);
            var lines = r.DataCompositions.Select(c => (Composition: c, IsSubset: false, Cell: (CellResult?)null))
                .Concat(r.Compositions.Values.OrderBy(c => c.Set, StringComparer.Ordinal).Select(c => (Composition: c, IsSubset: true, Cell: cells.GetValueOrDefault(c.Set))));
            foreach (var (c, isSubset, cell) in lines)
            {
                var (method, budget, seed) = isSubset ? ParseCellKey(c.Set) : ("", (int?)null, (int?)null);
                double? randomLoss = cell is not null && random.TryGetValue((cell.Budget, cell.Seed), out var rl) ? rl : null;
                var fields = new[]
                {
                    r.Study.Name, c.Set, method, I(budget), I(seed), I(c.Rows),
                    inDomain.Count > 0 && (isSubset || c.Set == "pool") ? V(c.ShareFrom(inDomain)) : "",
                    I(c.FromScores), I(c.FromRandom), I(c.FromNeighbours), V(c.EntityTokenShare), V(c.NoEntityRowShare), V(c.MeanTokens),
                    c.EntityTypeShares is null ? "" : string.Join(";", c.EntityTypeShares.Select(kv => kv.Key + "=" + V(kv.Value))),
                    V(c.MeanPromptWords), V(c.MeanCompletionWords),
                    string.Join(";", c.BySource.Select(kv => kv.Key + "=" + kv.Value.ToString(CultureInfo.InvariantCulture))),
                    V(cell?.TestLoss), V(randomLoss), V(cell is not null && randomLoss is { } x ? cell.TestLoss - x : null),
                };
                s.Append(string.Join(",", fields.Select(Csv))).Append('\n');
            }
        }
        return s.ToString();
    }

    /// <summary><c>method__b50__s3</c> → (method, 50, 3); a name of another shape is the method alone.</summary>
    private static (string Method, int? Budget, int? Seed) ParseCellKey(string key)
    {
        var parts = key.Split("__");
        return parts.Length == 3 && parts[1].StartsWith('b') && parts[2].StartsWith('s')
            && int.TryParse(parts[1][1..], CultureInfo.InvariantCulture, out var b) && int.TryParse(parts[2][1..], CultureInfo.InvariantCulture, out var s)
            ? (parts[0], b, s) : (key, null, null);
    }
}
