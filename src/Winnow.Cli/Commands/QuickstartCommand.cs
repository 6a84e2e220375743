using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Torch.FineTuning;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Pretraining;
using Winnow.Torch.Tasks;
using Winnow.Torch.TaskEncoding;

namespace Winnow.Cli.Commands;

/// <summary>
/// <c>winnow quickstart</c>: the whole job on the bundled NER samples and built-in defaults — make (or reuse) a tiny
/// base model, select with ToV, fine-tune on the ToV subset and on a random subset of the same size, and compare
/// test log-losses.
/// </summary>
internal static class QuickstartCommand
{
    public static Command Create()
    {
        var out_ = new Option<string>("--out") { Description = "Folder for everything the quickstart writes.", DefaultValueFactory = _ => "runs/quickstart" };
        var budget = new Option<int>("--budget") { Description = "Examples to select from the pool.", DefaultValueFactory = _ => 200 };
        var seeds = new Option<int>("--seeds") { Description = "Fine-tuning seeds per subset (the table shows their mean).", DefaultValueFactory = _ => 3 };
        var threads = CommonOptions.Threads();
        var command = new Command("quickstart", "Run ToV end to end on the bundled samples: base model, selection, fine-tuning, ToV vs random.");
        foreach (var o in new Option[] { out_, budget, seeds, threads }) command.Options.Add(o);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            CommonOptions.ApplyRuntime(r, threads);
            return Run(Path.GetFullPath(r.GetValue(out_)!), r.GetValue(budget), r.GetValue(seeds));
        }));
        return command;
    }

    private static int Run(string outDir, int budget, int seeds)
    {
        var clock = Stopwatch.StartNew();
        var samples = Path.Combine(WinnowPaths.Samples(), "ner");
        string[] target = [Path.Combine(samples, "target")], test = [Path.Combine(samples, "test")], pool = [Path.Combine(samples, "pool")];
        var labelMap = Path.Combine(samples, "label-map.txt");
        Directory.CreateDirectory(outDir);
        var log = new ConsoleProgress("quickstart");

        Step(1, "Base model: a tiny BERT-style encoder, masked-LM pre-trained on the shared NER training text (cached after the first run)");
        var corpus = Pretrainer.DefaultCorpus(PretrainFamily.Ner, WinnowPaths.SharedData());
        // Without ../shared/data the bundled pool is the pre-training text: smaller, but the quickstart still runs.
        var corpusPaths = corpus.Count > 0 ? corpus : pool;
        var baseModel = Pretrainer.Run(corpusPaths, Path.Combine(WinnowPaths.Cache(), "models"), new PretrainOptions { Family = PretrainFamily.Ner, Preset = "tiny" }, log, log);
        Console.WriteLine($"  {baseModel.Directory}{(baseModel.FromCache ? " (cached)" : "")}: held-out MLM loss {baseModel.HeldOutLossUntrained:F2} untrained → {baseModel.HeldOutLossTrained:F2}");

        Step(2, "ToV: train on the target (CrossNER music dev slice, labels mapped to PER/ORG/LOC/MISC) along a base trajectory, score the pool by how its predictions moved");
        var tovSubset = Path.Combine(outDir, "subset-tov.jsonl");
        var fitOptions = new TovFitOptions { Kind = TaskKind.Ner, Epochs = 6, LearningRate = 1e-3, LoraRank = 8, Seed = 0 };
        var tov = TovPipeline.Run(new TovPipelineRequest(baseModel.Directory, target, pool, budget, tovSubset)
        {
            Options = fitOptions,
            LabelMap = labelMap,
            RunDirectory = Path.Combine(outDir, "tov-run"),
            Strategy = SelectionStrategy.ScoreRandom,
        }, log);

        Step(3, "Random baseline: the same number of examples drawn uniformly from the pool");
        var randomSubset = Path.Combine(outDir, "subset-random.jsonl");
        var random = TovPipeline.Select(new SubsetRequest(tov.ScoresPath, pool, budget, randomSubset)
        {
            Strategy = SelectionStrategy.Random,
            Seed = 1,
            ReadOptions = new ReadOptions { Kind = TaskKind.Ner, LabelMap = Winnow.Core.Data.Ner.LabelMap.Load(labelMap) },
        }, log);

        Step(4, $"Fine-tune the base model on each subset ({seeds} seeds each, same recipe) and evaluate on the music test slice");
        var testExamples = TaskData.Read(test, TaskKind.Ner, labelMap, false, "test data");
        var labels = TaskData.LabelsOf(TaskData.Read(target, TaskKind.Ner, labelMap, false, "target").Concat(testExamples));
        var recipe = new FineTuneOptions { LoraRank = 0, LearningRate = 5e-4, Epochs = 5, BatchSize = 16 };
        var tovLoss = FineTuneAndEvaluate(baseModel.Directory, tovSubset, testExamples, labels, recipe, seeds);
        var randomLoss = FineTuneAndEvaluate(baseModel.Directory, randomSubset, testExamples, labels, recipe, seeds);

        Report(tov, random, tovLoss, randomLoss, budget, seeds, outDir, clock.Elapsed);
        return 0;
    }

    private static (double Mean, double StdErr) FineTuneAndEvaluate(string baseModel, string subset, List<Example> test, LabelSet labels, FineTuneOptions recipe, int seeds)
    {
        var train = TaskData.Read([subset], TaskKind.Ner, null, false, Path.GetFileName(subset));
        var losses = new List<double>();
        for (int seed = 0; seed < seeds; seed++)
        {
            using var model = TaskModel.Load(baseModel, TaskKind.Ner, labels, new TaskModelOptions { Seed = seed });
            FineTuner.Run(model, model.EncodeAll(train), recipe with { Seed = seed });
            losses.Add(FineTuner.Evaluate(model, model.EncodeAll(test)).MeanLoss);
            Console.Error.WriteLine($"  {Path.GetFileName(subset)} seed {seed}: test log-loss {losses[^1]:F4}");
        }
        double mean = losses.Average();
        double se = losses.Count > 1 ? Math.Sqrt(losses.Sum(l => (l - mean) * (l - mean)) / (losses.Count - 1) / losses.Count) : double.NaN;
        return (mean, se);
    }

    private static void Step(int n, string text) => AnsiConsole.MarkupLine($"[bold]{n}.[/] {Markup.Escape(text)}");

    private static void Report(TovPipelineResult tov, SubsetResult random, (double Mean, double StdErr) tovLoss, (double Mean, double StdErr) randomLoss,
        int budget, int seeds, string outDir, TimeSpan elapsed)
    {
        var table = new Table().Title($"Test log-loss after fine-tuning on {budget} selected examples (mean ± s.e. over {seeds} seeds; lower is better)");
        table.AddColumn("selection");
        table.AddColumn(new TableColumn("test log-loss").RightAligned());
        table.AddColumn(new TableColumn("vs random").RightAligned());
        table.AddRow("random", $"{randomLoss.Mean:F4} ± {randomLoss.StdErr:F4}", "—");
        double change = (randomLoss.Mean - tovLoss.Mean) / randomLoss.Mean * 100;
        table.AddRow("ToV (Score+Random)", $"{tovLoss.Mean:F4} ± {tovLoss.StdErr:F4}", $"{change:+0.0;-0.0}% {(change >= 0 ? "better" : "worse")}");
        AnsiConsole.Write(table);

        var composition = new Table().Title("Composition of each subset by pool source");
        composition.AddColumn("source");
        composition.AddColumn(new TableColumn("ToV").RightAligned());
        composition.AddColumn(new TableColumn("random").RightAligned());
        foreach (var source in tov.Subset.BySource.Keys.Union(random.BySource.Keys).Order(StringComparer.Ordinal))
            composition.AddRow(Markup.Escape(source), tov.Subset.BySource.GetValueOrDefault(source).ToString(), random.BySource.GetValueOrDefault(source).ToString());
        AnsiConsole.Write(composition);

        Console.WriteLine("Files:");
        Console.WriteLine($"  ToV run (manifest, adapters): {tov.Run.RunDirectory}");
        Console.WriteLine($"  scores: {tov.ScoresPath}");
        Console.WriteLine($"  ToV subset: {tov.Subset.OutputPath} (summary {tov.Subset.SummaryPath})");
        Console.WriteLine($"  random subset: {random.OutputPath}");
        Console.WriteLine($"Done in {elapsed.TotalSeconds:F0} s. Output folder: {outDir}");
        Console.WriteLine("Note: one small pool, a tiny self-made model and a few seeds make this an illustration of the workflow, not evidence;");
        Console.WriteLine("      claims need larger pools, more seeds and the baselines, measured side by side.");
    }
}
