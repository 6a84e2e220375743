using System.CommandLine;
using Winnow.Core.Sharding;
using Winnow.Methods;
using Winnow.Methods.Common;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Common;

namespace Winnow.Cli.Commands;

/// <summary>
/// <c>winnow score --run RUN/ --pool P… --out scores.parquet [--shard i/N|auto/N]</c>: the scoring stage of whichever
/// method fitted RUN (read from its manifest). A shard writes RUN/shards/scores-000i-of-000N.parquet and its completion
/// record (for <c>winnow merge RUN/</c>). A run killed mid-way resumes from its last finished chunk when started again
/// with the same arguments.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A finished run folder (from `winnow fit`); its manifest names the method.", Required = true };
        var pool = new Option<string[]>("--pool") { Description = "The pool the run was fitted on.", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string?>("--out") { Description = "Score file to write (Parquet); with --shard, default RUN/shards/scores-000i-of-000N.parquet." };
        var shard = new Option<string?>("--shard")
        {
            Description = "Score only shard i of N (i/N), or take i from JOB_COMPLETION_INDEX / SLURM_ARRAY_TASK_ID (auto/N); merge with `winnow merge RUN/`.",
        };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per forward batch.", DefaultValueFactory = _ => 32 };
        var chunk = new Option<int>("--chunk-size") { Description = "Pool examples encoded and scored at a time.", DefaultValueFactory = _ => 2048 };
        var transform = new Option<string?>("--transform") { Description = "ToV: transform of the score column (default: the run's): identity, abs or positive." };
        var otherPool = new Option<bool>("--allow-other-pool") { Description = "ToV: score a pool other than the fitted one (warns instead of refusing)." };
        var set = new Option<string[]>("--set") { Description = "Score-time method setting key=value (repeatable)." };
        var threads = CommonOptions.Threads();
        var command = new Command("score", "Score every pool example with a fitted run (ToV: φ = mean over epochs of the per-token log-prob change).");
        foreach (var option in new Option[] { run, pool, output, shard, batchSize, chunk, transform, otherPool, set, threads }) command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(CliErrors.Guard(() =>
        {
            CommonOptions.ApplyRuntime(parseResult, threads);
            string runDirectory = parseResult.GetValue(run)!;
            var runInfo = MethodRuns.Describe(runDirectory);
            var method = SelectionMethods.Get(runInfo.Method);
            var settings = MethodSettings.ParsePairs(parseResult.GetValue(set) ?? []);
            if (parseResult.GetValue(transform) is { } t && !settings.TryAdd("transform", t)) throw new ArgumentException("transform is given both as --transform and with --set.");
            if (parseResult.GetValue(otherPool)) settings["allow_other_pool"] = "true";
            var part = parseResult.GetValue(shard) is { } text ? Shard.Parse(text) : Shard.Whole;
            bool sharded = parseResult.GetValue(shard) is not null;
            string outputPath = OutputPath(parseResult.GetValue(output), runDirectory, part, sharded);
            var result = method.Score(new MethodScoreRequest(runDirectory, parseResult.GetValue(pool)!, outputPath)
            {
                Shard = part,
                BatchSize = parseResult.GetValue(batchSize),
                ChunkSize = parseResult.GetValue(chunk),
                Settings = settings,
            }, ConsoleProgress.Instance, cancellationToken);
            // The scorers record only real splits; a one-shard job (cluster scripts with N = 1) still needs its record for merge.
            if (sharded && part.IsWhole) ShardFiles.Complete(outputPath, part, result.Rows, runInfo.Fingerprint);
            Console.WriteLine($"{method.Name}: wrote {result.Rows} rows ({result.Scored} scored) to {result.OutputPath} in {result.Seconds:F1}s " +
                              $"({(result.Seconds > 0 ? result.Rows / result.Seconds : 0):F0} examples/s)");
            return 0;
        })));
        return command;
    }

    /// <summary>Shards go where <c>winnow merge RUN/</c> looks for them unless told otherwise; a whole run needs --out.</summary>
    private static string OutputPath(string? output, string runDirectory, Shard shard, bool sharded)
    {
        if (output is not null) return output;
        if (!sharded) throw new ArgumentException("Give the score file to write (--out), or a shard (--shard i/N) to write under RUN/shards/.");
        return Path.Combine(runDirectory, MergeCommand.ShardFolder, ShardFiles.ScoresName(shard));
    }
}
