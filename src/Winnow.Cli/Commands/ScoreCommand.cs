using System.CommandLine;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Common;

namespace Winnow.Cli.Commands;

/// <summary><c>winnow score --run RUN/ --pool P… --out scores.parquet</c>: the scoring stage of whichever method fitted RUN (read from its manifest).</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A finished run folder (from `winnow fit`); its manifest names the method.", Required = true };
        var pool = new Option<string[]>("--pool") { Description = "The pool the run was fitted on.", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Score file to write (Parquet).", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per forward batch.", DefaultValueFactory = _ => 32 };
        var chunk = new Option<int>("--chunk-size") { Description = "Pool examples encoded and scored at a time.", DefaultValueFactory = _ => 2048 };
        var transform = new Option<string?>("--transform") { Description = "ToV: transform of the score column (default: the run's): identity, abs or positive." };
        var otherPool = new Option<bool>("--allow-other-pool") { Description = "ToV: score a pool other than the fitted one (warns instead of refusing)." };
        var set = new Option<string[]>("--set") { Description = "Score-time method setting key=value (repeatable)." };
        var threads = CommonOptions.Threads();
        var command = new Command("score", "Score every pool example with a fitted run (ToV: φ = mean over epochs of the per-token log-prob change).");
        foreach (var option in new Option[] { run, pool, output, batchSize, chunk, transform, otherPool, set, threads }) command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(CliErrors.Guard(() =>
        {
            CommonOptions.ApplyRuntime(parseResult, threads);
            string runDirectory = parseResult.GetValue(run)!;
            var method = SelectionMethods.Get(MethodRuns.Describe(runDirectory).Method);
            var settings = MethodSettings.ParsePairs(parseResult.GetValue(set) ?? []);
            if (parseResult.GetValue(transform) is { } t && !settings.TryAdd("transform", t)) throw new ArgumentException("transform is given both as --transform and with --set.");
            if (parseResult.GetValue(otherPool)) settings["allow_other_pool"] = "true";
            var result = method.Score(new MethodScoreRequest(runDirectory, parseResult.GetValue(pool)!, parseResult.GetValue(output)!)
            {
                BatchSize = parseResult.GetValue(batchSize),
                ChunkSize = parseResult.GetValue(chunk),
                Settings = settings,
            }, ConsoleProgress.Instance, cancellationToken);
            Console.WriteLine($"{method.Name}: wrote {result.Rows} rows ({result.Scored} scored) to {result.OutputPath} in {result.Seconds:F1}s " +
                              $"({(result.Seconds > 0 ? result.Rows / result.Seconds : 0):F0} examples/s)");
            return 0;
        })));
        return command;
    }
}
