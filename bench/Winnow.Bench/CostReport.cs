using System.Globalization;
using System.Text;

namespace Winnow.Bench;

public sealed record CostReport(
    string Machine, string Date, string Commit, string BaseModel, long BaseParameters, CostSettings Settings,
    IReadOnlyList<CostResult> Results, IReadOnlyList<PaddingResult> Padding, IReadOnlyList<Ablation> Ablations)
{
    /// <summary>An earlier report plus a later run's sizes (its machine line and date are kept, the later commit noted).</summary>
    public static CostReport Merge(CostReport earlier, CostReport later) => earlier with
    {
        Commit = earlier.Commit == later.Commit ? earlier.Commit : $"{earlier.Commit} + {later.Commit}",
        Settings = earlier.Settings with
        {
            Sizes = earlier.Settings.Sizes.Union(later.Settings.Sizes).ToArray(),
            LessSizes = earlier.Settings.LessSizes.Union(later.Settings.LessSizes).ToArray(),
        },
        Results = [.. earlier.Results, .. later.Results],
        Padding = [.. earlier.Padding, .. later.Padding],
        Ablations = [.. earlier.Ablations, .. later.Ablations],
    };

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# ToV vs LESS cost — {Date}, commit {Commit}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}; {Settings.Threads} libtorch thread(s); score batch {Settings.ScoreBatch}.");
        sb.AppendLine(Settings.Encoder is null
            ? $"Base model: {BaseModel} ({BaseParameters:N0} parameters). Target: samples/ner/target; pools: samples/ner/pool sentences repeated to size (new ids), label map samples/ner/label-map.txt."
            : $"Base model: {BaseModel} ({BaseParameters:N0} parameters). Target: shared/data/ner/crossner/music/dev.txt; pools: the ner-music-large study pool (its 10 sources and row counts, ~11k rows) cut or repeated to size with each source keeping its share (new ids), label map experiments/label-maps/per-org-loc-misc.txt.");
        sb.AppendLine("Method settings: per row, in the last column of the per-stage table (runs appended with --append may differ).");
        sb.AppendLine();
        sb.AppendLine("Bytes = everything under the run folder after fit and score (LESS stores pool features there at score time) plus the score file.");
        sb.AppendLine();
        sb.AppendLine("| method | pool size | fit s | score s | total s | bytes | time ratio LESS/ToV | disk ratio LESS/ToV |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in Results.OrderBy(r => r.PoolSize).ThenBy(r => r.Method, StringComparer.Ordinal))
        {
            var less = Results.FirstOrDefault(x => x.Method == "less" && x.PoolSize == r.PoolSize);
            var tov = Results.FirstOrDefault(x => x.Method == "tov" && x.PoolSize == r.PoolSize);
            string ratios = r.Method == "tov" && less is not null && tov is not null
                ? $"{less.TotalSeconds / tov.TotalSeconds:F2}× | {(double)less.TotalBytes / tov.TotalBytes:F1}×"
                : "— | —";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Method} | {r.PoolSize:N0} | {r.FitSeconds:F1} | {r.ScoreSeconds:F1} | {r.TotalSeconds:F1} | {Bytes(r.TotalBytes)} | {ratios} |");
        }
        sb.AppendLine();
        sb.AppendLine("Per stage bytes (measured / reported by the method's BytesWritten), process CPU seconds (less sensitive than wall time to other load on the shared machine) and the load average when the stage ended:");
        sb.AppendLine();
        sb.AppendLine("| method | pool size | fit bytes | score bytes | reported fit | reported score | scored rows | fit CPU s | score CPU s | load avg after | settings |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in Results.OrderBy(r => r.PoolSize).ThenBy(r => r.Method, StringComparer.Ordinal))
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Method} | {r.PoolSize:N0} | {r.FitBytes:N0} | {r.ScoreBytes:N0} | {r.ReportedFitBytes:N0} | {r.ReportedScoreBytes:N0} | {r.Scored:N0} | {r.FitCpuSeconds:F1} | {r.ScoreCpuSeconds:F1} | {r.LoadAverage} | {Describe(r.Settings)} |");
        sb.AppendLine();
        sb.AppendLine("ToV scoring batches (LengthBucketer, as the scorer forms them):");
        sb.AppendLine();
        sb.AppendLine("| pool size | batch | padding | mean length (tokens) |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var p in Padding) sb.AppendLine(CultureInfo.InvariantCulture, $"| {p.PoolSize:N0} | {p.BatchSize} | {p.PaddingFraction:P1} | {p.MeanLength:F1} |");
        if (Ablations.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Before/after of bench-side settings:");
            sb.AppendLine();
            sb.AppendLine("| what | before | after | before s | after s | note |");
            sb.AppendLine("|---|---|---|---|---|---|");
            foreach (var a in Ablations)
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {a.Name} | {a.Before} | {a.After} | {a.BeforeSeconds:F2} | {a.AfterSeconds:F2} | {a.Note} |");
        }
        return sb.ToString();
    }

    private static string Describe(IReadOnlyDictionary<string, string> settings) =>
        settings.Count == 0 ? "defaults" : "defaults except " + string.Join(", ", settings.Select(kv => $"{kv.Key}={kv.Value}"));

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes} B",
    };
}
