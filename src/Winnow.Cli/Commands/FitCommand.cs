using System.CommandLine;
using Winnow.Torch.Methods;

namespace Winnow.Cli.Commands;

/// <summary><c>winnow fit --method M …</c>: a method's training stage into a run folder (reused when current, refuses other inputs).</summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var fit = new MethodFitCliOptions(outRequired: true, outDescription: "Run folder (manifest plus the method's files).");
        var command = new Command("fit", $"Fit a selection method ({string.Join(", ", SelectionMethods.Names)}) into a run folder; ToV trains LoRA epochs on a random base set U with a validation step on the target after each.");
        fit.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(CliErrors.Guard(() =>
        {
            fit.ApplyRuntime(parseResult);
            var method = fit.Method(parseResult);
            var run = method.Fit(fit.FitRequest(parseResult, method, parseResult.GetValue(fit.Out)!), ConsoleProgress.Instance, cancellationToken);
            Console.WriteLine(run.Reused
                ? $"{run.Method} run {run.RunDirectory} was already complete; nothing to do."
                : $"fitted {run.Method} in {run.Seconds:F1}s ({run.BytesWritten / 1e6:F2} MB) → {run.RunDirectory}");
            return 0;
        })));
        return command;
    }
}
