using System.CommandLine;
using Winnow.Core.Statistics;
using Winnow.Torch.Evaluation;
using Winnow.Torch.FineTuning;
using Winnow.Torch.Tasks;

namespace Winnow.Cli.Commands;

/// <summary><c>winnow eval</c>: mean test log-loss (paper Eq. 7) of a model on data, with per-example/per-token output on request.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = ModelNames.OptionHelp + ".", Required = true };
        var data = new Option<string[]>("--data") { Description = "Evaluation data files/folders.", Required = true, AllowMultipleArgumentsPerToken = true };
        var perExample = new Option<string?>("--per-example") { Description = "Write per-example losses (JSONL) here." };
        var perToken = new Option<string?>("--per-token") { Description = "Write per-token log-probabilities of the predicted tokens (JSONL) here." };
        var labelMap = TaskData.LabelMapOption();
        var skipInvalid = TaskData.SkipInvalidOption();
        var fields = TaskData.FieldsOption();
        var threads = CommonOptions.Threads();

        var command = new Command("eval", "Evaluate a model: mean test log-loss (per example the mean over its predicted tokens, then the mean over examples).");
        foreach (var o in new Option[] { model, data, perExample, perToken, labelMap, fields, skipInvalid, threads }) command.Options.Add(o);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            CommonOptions.ApplyRuntime(r, threads);
            var modelDir = ModelNames.Resolve(r.GetValue(model)!);
            var kind = TaskData.KindOf(modelDir);
            var examples = TaskData.Read(r.GetValue(data)!, kind, r.GetValue(labelMap), r.GetValue(skipInvalid), "evaluation data", r.GetValue(fields));
            using var task = TaskModel.Load(modelDir, kind);
            var set = TaskData.Encode(task, examples, "evaluation data");
            var result = FineTuner.Evaluate(task, set, includeTokenLogProbs: r.GetValue(perToken) is not null);
            var losses = result.Examples.Where(e => !double.IsNaN(e.Loss)).Select(e => e.Loss).ToArray();
            double se = SampleStatistics.MeanAndStandardError(losses).StandardError;
            Console.WriteLine($"Mean test log-loss: {result.MeanLoss:F4} ± {se:F4} (standard error) over {result.IncludedExamples} examples");
            if (result.ExcludedExamples > 0) Console.WriteLine($"  {result.ExcludedExamples} examples had no predicted token and are not in the mean");
            if (r.GetValue(perExample) is { } pe) { EvaluationFiles.WriteExampleLosses(pe, result.Examples); Console.WriteLine($"  per-example losses: {pe}"); }
            if (r.GetValue(perToken) is { } pt) { EvaluationFiles.WriteTokenLogProbs(pt, result.TokenLogProbs!); Console.WriteLine($"  per-token log-probabilities: {pt}"); }
            return 0;
        }));
        return command;
    }
}
