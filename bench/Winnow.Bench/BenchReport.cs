using System.Globalization;
using System.Text;

namespace Winnow.Bench;

public sealed record BenchReport(string Machine, string Date, string Commit, IReadOnlyList<MatmulResult> Matmul, IReadOnlyList<ThroughputResult> Throughput)
{
    public IReadOnlyList<BreakdownResult> Breakdown { get; init; } = [];

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Forward throughput — {Date}, commit {Commit}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}. Peak = the best fp32 matmul rate through libtorch measured in this run at the model's own shapes (same thread count).");
        sb.AppendLine();
        sb.AppendLine("| shape (M×K×N) | threads | GFLOP/s |");
        sb.AppendLine("|---|---|---|");
        foreach (var m in Matmul) sb.AppendLine(CultureInfo.InvariantCulture, $"| {m.Shape} ({m.M}×{m.K}×{m.N}) | {m.Threads} | {m.GflopsPerSecond:F1} |");
        sb.AppendLine();
        sb.AppendLine("| model | mode | threads | real tokens/s | achieved GFLOP/s | peak at model shapes | achieved/peak | padding |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var t in Throughput)
        {
            double peak = PeakFor(t.Family, t.Threads);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {t.Family} | {t.Mode} | {t.Threads} | {t.TokensPerSecond:N0} | {t.GflopsPerSecond:F1} | {peak:F1} | {t.GflopsPerSecond / peak:F2} | {t.PaddingFraction:P1} |");
        }
        sb.AppendLine();
        foreach (var group in Throughput.GroupBy(t => (t.Family, t.Threads)))
        {
            var eval = group.Single(t => t.Mode == "eval");
            var tov = group.Single(t => t.Mode == "tov-score");
            // ToV runs every batch under two adapter states; per forward pass it should be as fast as evaluation.
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"- {group.Key.Family}, {group.Key.Threads} thread(s): ToV scoring per forward pass = {tov.TokensPerSecond * tov.ForwardsPerBatch / eval.TokensPerSecond:F2} × evaluation throughput.");
            foreach (var train in group.Where(t => t.Mode.StartsWith("train", StringComparison.Ordinal)))
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"- {group.Key.Family}, {group.Key.Threads} thread(s): a {train.Mode} step (LoRA 8, batch 16, AdamW) costs {eval.TokensPerSecond / train.TokensPerSecond:F2} × an evaluation forward per real token " +
                    $"({train.PaddingFraction:P0} padding vs {eval.PaddingFraction:P0}; {eval.TokensPerSecond / train.TokensPerSecond * (1 - train.PaddingFraction) / (1 - eval.PaddingFraction):F2} × per padded token).");
        }
        if (Breakdown.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Breakdown of an evaluation pass (timed with forward hooks on every linear layer; the hooks' own cost is inside \"other\"):");
            sb.AppendLine();
            sb.AppendLine("| model | threads | linear layers: share of time | linear layers: GFLOP/s (/peak) | outside them: share of FLOPs | outside them: share of time | outside them: GFLOP/s |");
            sb.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var b in Breakdown)
            {
                double peak = PeakFor(b.Family, b.Threads);
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {b.Family} | {b.Threads} | {b.LinearTimeShare:P0} | {b.LinearGflopsPerSecond:F1} ({b.LinearGflopsPerSecond / peak:F2}) | {b.OutsideFlopShare:P0} | {1 - b.LinearTimeShare:P0} | {b.OutsideGflopsPerSecond:F1} |");
            }
        }
        return sb.ToString();
    }

    /// <summary>The best matmul rate measured at this model's shapes with this many threads.</summary>
    private double PeakFor(string family, int threads) =>
        Matmul.Where(m => m.Threads == threads && m.Shape.StartsWith(family, StringComparison.Ordinal)).Max(m => m.GflopsPerSecond);
}
