using System.CommandLine;
using Winnow.Torch.Pretraining;

namespace Winnow.Cli.Commands;

/// <summary><c>winnow pretrain</c>: builds (or reuses) a small base model from public text.</summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var family = new Option<string>("--family") { Description = "lm (Llama causal LM, for instruction tuning) or ner (BERT encoder, masked LM).", DefaultValueFactory = _ => "ner" };
        var preset = new Option<string>("--preset") { Description = "tiny, small, medium or large (docs/base-models.md).", DefaultValueFactory = _ => "tiny" };
        var corpus = new Option<string[]>("--corpus") { Description = "Text data files/folders (default: ../shared/data's NER training files, or its instruction sets).", AllowMultipleArgumentsPerToken = true };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps.", DefaultValueFactory = _ => new PretrainOptions().Steps };
        var vocab = new Option<int>("--vocab-size") { Description = "BPE vocabulary size.", DefaultValueFactory = _ => new PretrainOptions().VocabSize };
        var defaults = new PretrainOptions();
        var batch = new Option<int>("--batch-size") { Description = "Sequences per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var length = new Option<int>("--seq-len") { Description = "Tokens per training window (causal LM) or longest sentence (masked LM).", DefaultValueFactory = _ => defaults.SequenceLength };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (linear warm-up, then linear decay).", DefaultValueFactory = _ => defaults.LearningRate };
        var maxTexts = new Option<int>("--max-texts") { Description = "Read at most this many texts (a prefix of the sorted corpus files).", DefaultValueFactory = _ => defaults.MaxTexts };
        var resume = new Option<bool>("--resume") { Description = "Continue the stopped run of the same corpus and options from its last checkpoint." };
        var every = new Option<double>("--checkpoint-minutes") { Description = "Write a resumable checkpoint at least this often.", DefaultValueFactory = _ => new PretrainRunSettings().CheckpointEverySeconds / 60 };
        var evalEvery = new Option<int?>("--eval-every") { Description = "Held-out probe loss every this many steps (default: ten points over the run)." };
        var out_ = new Option<string?>("--out") { Description = "Also copy the model folder here." };
        var threads = CommonOptions.Threads();
        var seed = CommonOptions.Seed();

        var command = new Command("pretrain", "Pre-train a small base model on CPU (cached by content hash: a second call returns at once).");
        foreach (var o in new Option[] { family, preset, corpus, steps, vocab, batch, length, lr, maxTexts, resume, every, evalEvery, out_, threads, seed }) command.Options.Add(o);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            CommonOptions.ApplyRuntime(r, threads);
            var options = new PretrainOptions
            {
                Family = ParseFamily(r.GetValue(family)!),
                Preset = r.GetValue(preset)!,
                Steps = r.GetValue(steps),
                VocabSize = r.GetValue(vocab),
                BatchSize = r.GetValue(batch),
                SequenceLength = r.GetValue(length),
                LearningRate = r.GetValue(lr),
                MaxTexts = r.GetValue(maxTexts),
                Seed = r.GetValue(seed),
            };
            var run = new PretrainRunSettings { Resume = r.GetValue(resume), CheckpointEverySeconds = r.GetValue(every) * 60, EvalEverySteps = r.GetValue(evalEvery) };
            var report = Run(options, r.GetValue(corpus), new ConsoleProgress("pretrain"), run, CliCancellation.Token);
            Print(report);
            if (r.GetValue(out_) is { } target) CopyDirectory(report.Directory, target);
            return 0;
        }));
        return command;
    }

    public static PretrainReport Run(PretrainOptions options, string[]? corpus, ConsoleProgress progress, PretrainRunSettings? run = null, CancellationToken cancellationToken = default)
    {
        var paths = corpus is { Length: > 0 } ? corpus : Pretrainer.DefaultCorpus(options.Family, WinnowPaths.SharedData());
        if (paths.Count == 0)
            throw new DirectoryNotFoundException($"No pre-training corpus: {WinnowPaths.SharedData()} is missing; pass --corpus FILES.");
        return Pretrainer.Run(paths, Path.Combine(WinnowPaths.Cache(), "models"), options, progress, progress, cancellationToken, run);
    }

    public static PretrainFamily ParseFamily(string value) => value.ToLowerInvariant() switch
    {
        "lm" => PretrainFamily.Lm,
        "ner" => PretrainFamily.Ner,
        _ => throw new ArgumentException($"Unknown family '{value}': expected lm or ner."),
    };

    private static void Print(PretrainReport report)
    {
        Console.WriteLine($"Base model: {report.Directory}{(report.FromCache ? " (cached)" : "")}");
        Console.WriteLine($"  {report.Family} {report.Preset}, {report.Parameters:N0} parameters, vocabulary {report.VocabSize}, {report.Steps} steps on {report.TrainTexts} texts, {report.Seconds:F0} s");
        var measured = report.HeldOutEvaluated > 0 ? $"first {report.HeldOutEvaluated} held-out examples of {report.HeldOutTexts} texts" : $"{report.HeldOutTexts} held-out texts";
        Console.WriteLine($"  held-out loss ({measured}): untrained {report.HeldOutLossUntrained:F3} → pre-trained {report.HeldOutLossTrained:F3}");
        if (report.HeldOutBytesPerToken > 0) Console.WriteLine($"  {report.HeldOutBytesPerToken:F2} bytes per token: {report.HeldOutLossPerByte:F3} nats per byte");
        if (report.Resumes > 0) Console.WriteLine($"  resumed {report.Resumes} time(s)");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        Console.WriteLine($"  copied to {to}");
    }
}
