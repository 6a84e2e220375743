using System.Globalization;
using System.Text;

namespace Winnow.Bench;

public sealed record EncoderReport(
    string Machine, string Date, string Commit, string Command, string Model, EncoderSettings Settings, string LoadBefore,
    string LengthSummary, IReadOnlyList<EncoderForwardResult> Forward, IReadOnlyList<EncoderComponent> Breakdown,
    IReadOnlyList<EncoderTrainResult> Training, IReadOnlyList<string> Notes)
{
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Real encoder ({Model}) — {Date}, commit {Commit}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}. Load average before the run: {LoadBefore}.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `{Command}`.");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Sentences: {Settings.Sentences} drawn (seed 0) from the ner-music-large study pool (shared/data/ner, the study's sources and row counts), truncated at {Settings.MaxLength} tokens; {LengthSummary}.");
        sb.AppendLine("Batches: **bucketed** = sorted by length then cut into batches (what Winnow's evaluation and ToV's scorer do); **padded** = the sample's order, each batch padded to its longest row. Every engine gets the same batches of the same token ids; tokens/s counts real (unpadded) tokens.");
        foreach (var note in Notes) sb.AppendLine("- " + note);
        if (Forward.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("| engine | batches | threads | padding | real tokens/s | per forward | vs ONNX Runtime | vs Winnow eval (per forward) | cores busy |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var r in Forward)
            {
                var ort = Forward.FirstOrDefault(x => x.Engine == "onnxruntime" && x.Batches == r.Batches && x.Threads == r.Threads);
                var eval = Forward.FirstOrDefault(x => x.Engine == "winnow-eval" && x.Batches == r.Batches && x.Threads == r.Threads);
                string vsOrt = ort is null ? "—" : $"{r.PerForwardTokensPerSecond / ort.PerForwardTokensPerSecond:F2}×";
                string vsEval = eval is null ? "—" : $"{r.PerForwardTokensPerSecond / eval.PerForwardTokensPerSecond:F2}×";
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Engine} | {r.Batches} | {r.Threads} | {r.PaddingFraction:P1} | {r.TokensPerSecond:N0} | {r.PerForwardTokensPerSecond:N0} | {vsOrt} | {vsEval} | {r.CoresUsed:F2} |");
            }
        }
        if (Breakdown.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Breakdown of the evaluation pass (bucketed batches): each component run on its own at the pass's shapes (all 6 layers, every batch), seconds per pass over the sentences; \"rest\" = the measured pass minus the components (module plumbing, dispose scopes, tensor churn, reading results back).");
            sb.AppendLine();
            sb.AppendLine("| component | threads | s per pass | share of the eval pass |");
            sb.AppendLine("|---|---|---|---|");
            foreach (var group in Breakdown.GroupBy(c => c.Threads))
            {
                var total = group.FirstOrDefault(c => c.Name == "whole evaluation pass");
                foreach (var c in group)
                    sb.AppendLine(CultureInfo.InvariantCulture,
                        $"| {c.Name} | {c.Threads} | {c.SecondsPerPass:F3} | {(total is null ? "—" : (c.SecondsPerPass / total.SecondsPerPass).ToString("P1", CultureInfo.InvariantCulture))} |");
            }
        }
        if (Training.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Training steps (batch {Settings.TrainBatchSize}, AdamW, clipping at 1.0, train mode with dropout), timed per phase:");
            sb.AppendLine();
            sb.AppendLine("| mode | batches | threads | trainable params | padding | real tokens/s | forward | backward | optimizer (clip + AdamW) | steps |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var t in Training)
            {
                double sum = t.ForwardSeconds + t.BackwardSeconds + t.OptimizerSeconds;
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {t.Mode} | {t.Batches} | {t.Threads} | {t.TrainableParameters:N0} | {t.PaddingFraction:P1} | {t.TokensPerSecond:N0} | {t.ForwardSeconds / sum:P0} | {t.BackwardSeconds / sum:P0} | {t.OptimizerSeconds / sum:P0} | {t.Steps} |");
            }
        }
        return sb.ToString();
    }
}
