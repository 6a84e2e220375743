using System.CommandLine;
using Winnow.Core.Scoring;
using Winnow.Core.Sharding;

namespace Winnow.Cli.Commands;

/// <summary><c>winnow merge RUN/</c>: joins the shard score files of a run into one, refusing while any is missing or bad.</summary>
internal static class MergeCommand
{
    public const string ShardFolder = "shards";
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "Run folder whose shards/ holds the shard score files." };
        var out_ = new Option<string?>("--out") { Description = $"Merged score file (default RUN/{ScoreFile.DefaultFileName})." };
        var command = new Command("merge", "Merge shard score files (from `winnow score --shard`) into one score file ordered by pool row.");
        command.Arguments.Add(run);
        command.Options.Add(out_);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            var runDir = r.GetValue(run)!;
            var output = r.GetValue(out_) ?? Path.Combine(runDir, ScoreFile.DefaultFileName);
            try
            {
                var result = ShardMerger.Merge(Path.Combine(runDir, ShardFolder), output);
                Console.WriteLine($"Merged {result.Shards} shards, {result.Rows} rows → {result.OutputPath}");
                return 0;
            }
            catch (ShardMergeException e)
            {
                Console.Error.WriteLine($"winnow: error: {e.Message}");
                if (e.Missing.Count > 0) Console.Error.WriteLine($"missing shards: {string.Join(' ', e.Missing)}");
                return 3;
            }
        }));
        return command;
    }
}
