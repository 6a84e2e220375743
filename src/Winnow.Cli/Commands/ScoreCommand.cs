using System.CommandLine;
using Winnow.Torch.Methods.Tov;

namespace Winnow.Cli.Commands;

/// <summary><c>winnow score --run RUN/ --pool P… --out scores.parquet</c>: ToV's forward-only scoring stage.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A finished ToV run folder (from `winnow fit`).", Required = true };
        var pool = new Option<string[]>("--pool") { Description = "The pool the run was fitted on.", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Score file to write (Parquet).", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per forward batch.", DefaultValueFactory = _ => 32 };
        var chunk = new Option<int>("--chunk-size") { Description = "Pool examples encoded and scored at a time.", DefaultValueFactory = _ => 2048 };
        var transform = new Option<string?>("--transform") { Description = "Transform of the score column (default: the run's): identity, abs or positive." };
        var otherPool = new Option<bool>("--allow-other-pool") { Description = "Score a pool other than the fitted one (warns instead of refusing)." };
        var threads = CommonOptions.Threads();
        var command = new Command("score", "Score every pool example with a fitted ToV run: φ = mean over epochs of the per-token log-prob change.");
        foreach (var option in new Option[] { run, pool, output, batchSize, chunk, transform, otherPool, threads }) command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(CliErrors.Guard(() =>
        {
            CommonOptions.ApplyRuntime(parseResult, threads);
            var request = new TovScoreRequest(parseResult.GetValue(run)!, parseResult.GetValue(pool)!, parseResult.GetValue(output)!)
            {
                BatchSize = parseResult.GetValue(batchSize),
                ChunkSize = parseResult.GetValue(chunk),
                AllowOtherPool = parseResult.GetValue(otherPool),
                Transform = parseResult.GetValue(transform) is { } t ? ScoreTransforms.Parse(t) : null,
            };
            var result = TovPipeline.Score(request, ConsoleProgress.Instance, cancellationToken);
            Console.WriteLine($"wrote {result.Rows} rows ({result.Scored} scored, {result.InBase} in U, {result.NotEncodable} not encodable) to {result.OutputPath} " +
                              $"in {result.Seconds:F1}s ({result.ExamplesPerSecond:F0} examples/s)");
            return 0;
        })));
        return command;
    }
}
