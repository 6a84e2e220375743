using System.CommandLine;
using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Core.Scoring;
using Winnow.Torch.Methods.Tov;

namespace Winnow.Cli.Commands;

/// <summary>
/// <c>winnow select --scores S --pool P… --budget n --out subset.jsonl</c> selects from a score file;
/// <c>winnow select --method tov --model … --target … --pool … --budget n --out …</c> runs fit → score → select.
/// </summary>
internal static class SelectCommand
{
    public static Command Create()
    {
        var scores = new Option<string?>("--scores") { Description = "Score file to select from (from `winnow score`)." };
        var method = new Option<string?>("--method") { Description = "tov: fit, score and select in one go (into --run, default <out>.run/)." };
        var runDir = new Option<string?>("--run") { Description = "Run folder for --method tov (default <out>.run/)." };
        var budget = new Option<int>("--budget") { Description = "Examples to select (n).", Required = true };
        var strategy = new Option<string>("--strategy") { Description = "score+random, score-only, random or sample.", DefaultValueFactory = _ => "score+random" };
        var transform = new Option<string?>("--transform") { Description = "φ column to rank by: identity, abs or positive (default: the file's score column, i.e. the run's transform)." };
        var bins = new Option<int>("--bins") { Description = "Equal-count length bins for the top scores (1 = off).", DefaultValueFactory = _ => 10 };
        var tov = new TovFitCliOptions(outRequired: true, outDescription: "Subset to write: .jsonl or .parquet (plus <out>.scores.jsonl and <out>.summary.json).");
        var command = new Command("select", "Select a subset of the pool from scores (Score+Random by default), and write the examples themselves.");
        foreach (var option in new Option[] { scores, method, runDir, budget, strategy, transform, bins }) command.Options.Add(option);
        tov.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(CliErrors.Guard(() =>
        {
            tov.ApplyRuntime(parseResult);
            string output = parseResult.GetValue(tov.Out)!;
            var pool = parseResult.GetValue(tov.Pool) is { Length: > 0 } p ? p : throw new ArgumentException("Give --pool.");
            var chosen = SubsetSelector.ParseStrategy(parseResult.GetValue(strategy)!);
            string transformName = parseResult.GetValue(transform) ?? "score";
            int seed = parseResult.GetValue(tov.Seed);
            SubsetResult subset;
            if (parseResult.GetValue(method) is { } m)
            {
                FitCommand.RequireTov(m);
                if (parseResult.GetValue(scores) is not null) throw new ArgumentException("Give either --scores or --method tov, not both.");
                var fit = tov.FitRequest(parseResult, parseResult.GetValue(runDir) ?? output + ".run");
                var result = TovPipeline.Run(new TovPipelineRequest(fit.Model, fit.Target, fit.Pool, parseResult.GetValue(budget), output)
                {
                    Options = fit.Options,
                    LabelMap = fit.LabelMap,
                    RunDirectory = fit.RunDirectory,
                    Force = fit.Force,
                    Strategy = chosen,
                    Transform = ParseTransform(transformName),
                    Bins = parseResult.GetValue(bins),
                    SelectionSeed = seed,
                }, ConsoleProgress.Instance, cancellationToken);
                subset = result.Subset;
            }
            else
            {
                string scorePath = parseResult.GetValue(scores) ?? throw new ArgumentException("Give --scores (a score file), or --method tov to fit and score first.");
                var readOptions = new ReadOptions
                {
                    Kind = parseResult.GetResult(tov.Task) is { Implicit: false } ? TovFitCliOptions.ParseTask(parseResult.GetValue(tov.Task)) : null,
                    LabelMap = parseResult.GetValue(tov.LabelMap) is { } map ? LabelMap.Load(map) : null,
                };
                subset = SubsetSelector.Select(new SubsetRequest(scorePath, pool, parseResult.GetValue(budget), output)
                {
                    Strategy = chosen,
                    Column = ColumnOf(transformName),
                    Bins = parseResult.GetValue(bins),
                    Seed = seed,
                    ReadOptions = readOptions,
                }, ConsoleProgress.Instance, cancellationToken);
            }
            Print(subset);
            return 0;
        })));
        return command;
    }

    private static ScoreTransform? ParseTransform(string name) => name.Trim().ToLowerInvariant() == "score" ? null : ScoreTransforms.Parse(name);

    private static string ColumnOf(string name) => ParseTransform(name)?.ColumnName() ?? "score";

    private static void Print(SubsetResult subset)
    {
        Console.WriteLine($"selected {subset.Selected} examples ({subset.FromScores} by score, {subset.FromRandom} at random) → {subset.OutputPath}");
        foreach (var (source, count) in subset.BySource) Console.WriteLine($"  {count,7}  {source}");
        Console.WriteLine("score histogram of the selected:");
        Console.Write(subset.Histogram);
        Console.WriteLine($"scores: {subset.ScoresSidePath}; summary: {subset.SummaryPath}");
    }
}
