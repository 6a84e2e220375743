using System.CommandLine;
using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Methods;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Tov;

namespace Winnow.Cli.Commands;

/// <summary>
/// <c>winnow select --scores S --pool P… --budget n --out subset.jsonl</c> selects from a score file;
/// <c>winnow select --method M --model … --target … --pool … --budget n --out …</c> runs fit → score → select, each stage
/// reused when its artifact is current. The strategy defaults to the scoring method's own.
/// </summary>
internal static class SelectCommand
{
    public static Command Create()
    {
        var scores = new Option<string?>("--scores") { Description = "Score file to select from (from `winnow score`)." };
        var runDir = new Option<string?>("--run") { Description = "Run folder for --method (default <out>.run/)." };
        var budget = new Option<int>("--budget") { Description = "Examples to select (n).", Required = true };
        var strategy = new Option<string?>("--strategy") { Description = "score+random, score-only, random, sample or sample-log (default: the method's own)." };
        var transform = new Option<string?>("--transform") { Description = "ToV φ column to rank by: identity, abs or positive (default: the file's score column, i.e. the run's transform)." };
        var bins = new Option<int>("--bins") { Description = "Equal-count length bins for the top scores (1 = off; default 10; LESS 1: it takes the global top n; a ToV file scored with aggregate=sum 1).", DefaultValueFactory = _ => 10 };
        var binBy = new Option<string?>("--bin-by") { Description = "The length the bins cut on: tokens (all a row reads) or predicted (the tokens its loss averages over; a completion's) (default: the method's own)." };
        var binWeights = new Option<string?>("--bin-weights") { Description = "How the length bins share the scored budget: equal (the same from each; the paper's), target (each bin in proportion to the target's rows of its lengths; needs a score file that records them, as ToV's do), neighbours (each bin in proportion to the target's nearest pool rows of its lengths; ToV's NER fits list them) or auto (target where the fit found rows of the target's kind in the pool, else equal; ToV's NER fits measure it; ToV's default) (default: the method's own)." };
        var shareFill = new Option<string?>("--share-fill") { Description = "Score+Random only: what fills the random share: random (uniformly from the base set U; the paper's), neighbours (the target's nearest pool rows; ToV's NER fits list them) or auto (neighbours where the fit found rows of the target's kind in the pool, else random; ToV's NER fits measure it; ToV's default) (default: the method's own)." };
        var randomShare = new Option<double?>("--random-share") { Description = "Score+Random only: the share of the budget drawn at random from the base set U (0–1; default: the method's own, ToV a quarter; 0.5 is the paper's half)." };
        var fit = new MethodFitCliOptions(outRequired: true, outDescription: "Subset to write: .jsonl or .parquet (plus <out>.scores.jsonl and <out>.summary.json).");
        var command = new Command("select", "Select a subset of the pool from scores (the method's default strategy unless --strategy), and write the examples themselves.");
        foreach (var option in new Option[] { scores, runDir, budget, strategy, transform, bins, binBy, binWeights, shareFill, randomShare }) command.Options.Add(option);
        fit.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(CliErrors.Guard(() =>
        {
            fit.ApplyRuntime(parseResult);
            string output = parseResult.GetValue(fit.Out)!;
            var pool = parseResult.GetValue(fit.Pool) is { Length: > 0 } p ? p : throw new ArgumentException("Give --pool.");
            var explicitStrategy = parseResult.GetValue(strategy) is { } s ? SubsetSelector.ParseStrategy(s) : (SelectionStrategy?)null;
            string column = ColumnOf(parseResult.GetValue(transform));
            bool oneShot = parseResult.GetResult(fit.MethodName) is { Implicit: false };
            int budgetValue = parseResult.GetValue(budget);
            // The cheap refusals first, before a fit and score that can take hours: the budget, the output's format and
            // folder, and another process writing the same output (refused at once, naming it).
            double? share = parseResult.GetValue(randomShare);
            if (share is { } given) SelectionOptions.CheckRandomShare(given);
            if (share is not null && explicitStrategy is { } chosen && chosen != SelectionStrategy.ScoreRandom)
                throw new ArgumentException($"--random-share is Score+Random's split of the budget; --strategy is {SubsetSelector.StrategyName(chosen)}.");
            SubsetSelector.Check(new SubsetRequest("", pool, budgetValue, output));
            BinLength? explicitBinBy = parseResult.GetValue(binBy) is { } by ? SubsetSelector.ParseBinLength(by) : null;
            BinWeights? explicitBinWeights = parseResult.GetValue(binWeights) is { } w ? SubsetSelector.ParseBinWeights(w) : null;
            ShareFill? explicitShareFill = parseResult.GetValue(shareFill) is { } f ? SubsetSelector.ParseShareFill(f) : null;
            if (explicitShareFill == ShareFill.Neighbours && explicitStrategy is { } notSplit && notSplit != SelectionStrategy.ScoreRandom)
                throw new ArgumentException($"--share-fill neighbours fills Score+Random's random share; --strategy is {SubsetSelector.StrategyName(notSplit)}.");
            using var held = Winnow.Core.IO.FileLock.AcquireFile(output, ConsoleProgress.Instance);
            string scorePath;
            ReadOptions readOptions;
            if (oneShot)
            {
                if (parseResult.GetValue(scores) is not null) throw new ArgumentException("Give either --scores or --method, not both.");
                var method = fit.Method(parseResult);
                if (share is not null && explicitStrategy is null && method.DefaultStrategy != SelectionStrategy.ScoreRandom)
                    throw new ArgumentException($"--random-share is Score+Random's split of the budget; {method.Name} selects by {SubsetSelector.StrategyName(method.DefaultStrategy)} (give --strategy score+random to split).");
                if (explicitShareFill == ShareFill.Neighbours && explicitStrategy is null && method.DefaultStrategy != SelectionStrategy.ScoreRandom)
                    throw new ArgumentException($"--share-fill neighbours fills Score+Random's random share; {method.Name} selects by {SubsetSelector.StrategyName(method.DefaultStrategy)} (give --strategy score+random to split).");
                string run = parseResult.GetValue(runDir) ?? output + ".run";
                var done = MethodPipeline.FitAndScore(method, fit.FitRequest(parseResult, method, run), progress: ConsoleProgress.Instance,
                    cancellationToken: cancellationToken);
                (scorePath, readOptions) = (done.ScoresPath, done.ReadOptions);
            }
            else
            {
                scorePath = parseResult.GetValue(scores) ?? throw new ArgumentException("Give --scores (a score file), or --method M to fit and score first.");
                readOptions = new ReadOptions
                {
                    Kind = parseResult.GetResult(fit.Task) is { Implicit: false } ? MethodFitCliOptions.ParseTask(parseResult.GetValue(fit.Task)) : null,
                    LabelMap = parseResult.GetValue(fit.LabelMap) is { } map ? LabelMap.Load(map) : null,
                    Fields = parseResult.GetValue(fit.Fields),
                };
            }
            // The method named in the score file's footer gives the defaults; a file that names none gets Score+Random,
            // 10 bins on tokens read and the selector's own split.
            var footer = FooterOf(scorePath);
            var scoredBy = footer.TryGetValue(ScoreFile.MethodKey, out var methodName) && SelectionMethods.TryGet(methodName, out var named) ? named : null;
            var chosenStrategy = explicitStrategy ?? scoredBy?.DefaultStrategy ?? SelectionStrategy.ScoreRandom;
            var subset = SubsetSelector.Select(new SubsetRequest(scorePath, pool, budgetValue, output)
            {
                Strategy = chosenStrategy,
                Column = column,
                Bins = parseResult.GetResult(bins) is { Implicit: false } ? parseResult.GetValue(bins) : scoredBy?.DefaultBinsFor(footer) ?? 10,
                BinBy = explicitBinBy ?? scoredBy?.DefaultBinBy ?? BinLength.Tokens,
                BinWeights = explicitBinWeights ?? scoredBy?.DefaultBinWeights ?? BinWeights.Equal,
                ShareFill = explicitShareFill ?? scoredBy?.DefaultShareFill ?? ShareFill.Random,
                RandomShare = scoredBy is null ? share : scoredBy.RandomShareFor(chosenStrategy, share),
                Seed = parseResult.GetValue(fit.Seed),
                ReadOptions = readOptions,
            }, ConsoleProgress.Instance, cancellationToken);
            Print(subset);
            return 0;
        })));
        return command;
    }

    /// <summary>The score file's footer, read once: the method named there gives the selection's defaults.</summary>
    private static IReadOnlyDictionary<string, string> FooterOf(string scorePath)
    {
        if (!File.Exists(scorePath)) throw new FileNotFoundException($"Score file not found: {scorePath}", scorePath);
        return ScoreFile.ReadMetadata(scorePath);
    }

    private static string ColumnOf(string? transform) =>
        transform is null || transform.Trim().Equals("score", StringComparison.OrdinalIgnoreCase) ? "score" : ScoreTransforms.Parse(transform).ColumnName();

    private static void Print(SubsetResult subset)
    {
        Console.WriteLine($"selected {subset.Selected} examples ({subset.FromScores} by score, "
            + (subset.FromNeighbours > 0 ? $"{subset.FromNeighbours} of the target's nearest pool rows, " : "") + $"{subset.FromRandom} at random) → {subset.OutputPath}");
        foreach (var (source, count) in subset.BySource) Console.WriteLine($"  {count,7}  {source}");
        Console.WriteLine("score histogram of the selected:");
        Console.Write(subset.Histogram);
        Console.WriteLine($"scores: {subset.ScoresSidePath}; summary: {subset.SummaryPath}");
    }
}
