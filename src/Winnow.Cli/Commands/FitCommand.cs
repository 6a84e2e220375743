using System.CommandLine;
using Winnow.Core.Data;
using Winnow.Torch.Methods.Tov;

namespace Winnow.Cli.Commands;

/// <summary><c>winnow fit --method tov …</c>: ToV's training stage into a run folder (resumable, refuses other inputs).</summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var method = new Option<string>("--method") { Description = "Selection method to fit (tov).", DefaultValueFactory = _ => "tov" };
        var tov = new TovFitCliOptions(outRequired: true, outDescription: "Run folder (manifest, base set, per-epoch adapters).");
        var command = new Command("fit", "Fit a selection method: ToV trains LoRA epochs on a random base set U with a validation step on the target after each.");
        command.Options.Add(method);
        tov.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(CliErrors.Guard(() =>
        {
            RequireTov(parseResult.GetValue(method));
            tov.ApplyRuntime(parseResult);
            var run = TovPipeline.Fit(tov.FitRequest(parseResult, parseResult.GetValue(tov.Out)!), ConsoleProgress.Instance, cancellationToken);
            Console.WriteLine(run.Reused
                ? $"run {run.RunDirectory} was already complete ({run.Manifest.Epochs} epochs); nothing to do."
                : $"fitted {run.Manifest.Epochs} epochs on |U| = {run.Manifest.BaseSize} in {run.Seconds:F1}s → {run.RunDirectory}");
            return 0;
        })));
        return command;
    }

    public static void RequireTov(string? method)
    {
        if (!string.Equals(method, "tov", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Unknown method '{method}': this command supports --method tov.");
    }
}

/// <summary>The options of a ToV fit, shared by <c>fit</c> and <c>select --method tov</c>.</summary>
internal sealed class TovFitCliOptions
{
    public TovFitCliOptions(bool outRequired, string outDescription)
    {
        Out = new Option<string>("--out") { Description = outDescription, Required = outRequired };
    }

    public Option<string> Model { get; } = new("--model") { Description = "Base model folder θ0 (Hugging Face layout)." };
    public Option<string[]> Target { get; } = new("--target") { Description = "Target (validation) files or folders.", AllowMultipleArgumentsPerToken = true };
    public Option<string[]> Pool { get; } = new("--pool") { Description = "Pool files or folders to select from.", AllowMultipleArgumentsPerToken = true };
    public Option<string> Out { get; }
    public Option<string> Task { get; } = new("--task") { Description = "instruction or ner.", DefaultValueFactory = _ => "instruction" };
    public Option<string?> LabelMap { get; } = new("--label-map") { Description = "NER label-map file applied to target and pool." };
    public Option<int?> BaseSize { get; } = new("--base-size") { Description = "|U| (default min(4096, |pool|/4))." };
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "L (default max(1, 16384/|U|))." };
    public Option<double> Epsilon { get; } = new("--epsilon") { Description = "Validation-step rate as a fraction of the epoch's rate.", DefaultValueFactory = _ => 0.1 };
    public Option<double> LearningRate { get; } = new("--lr") { Description = "Peak learning rate of the base epochs.", DefaultValueFactory = _ => new TovFitOptions().LearningRate };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Training batch size.", DefaultValueFactory = _ => 16 };
    public Option<int> LoraRank { get; } = new("--lora-rank") { Description = "LoRA rank (paper: 256 for instruction tuning, 1 for NER).", DefaultValueFactory = _ => 8 };
    public Option<string> Variant { get; } = new("--variant") { Description = "interleaved (Method A) or parallel (Method B).", DefaultValueFactory = _ => "interleaved" };
    public Option<string> FitTransform { get; } = new("--score-transform") { Description = "Transform of the score column: identity, abs or positive.", DefaultValueFactory = _ => "identity" };
    public Option<int> MaxLength { get; } = new("--max-length") { Description = "Longest encoded example in tokens.", DefaultValueFactory = _ => 256 };
    public Option<bool> Force { get; } = new("--force") { Description = "Replace a run folder made from other inputs." };
    public Option<int> Seed { get; } = CommonOptions.Seed();
    public Option<int> Threads { get; } = CommonOptions.Threads();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Target, Pool, Out, Task, LabelMap, BaseSize, Epochs, Epsilon, LearningRate, BatchSize, LoraRank, Variant, FitTransform, MaxLength, Force, Seed, Threads })
            command.Options.Add(option);
    }

    public void ApplyRuntime(ParseResult result) => CommonOptions.ApplyRuntime(result, Threads);

    public TovFitRequest FitRequest(ParseResult result, string runDirectory)
    {
        string model = result.GetValue(Model) ?? throw new ArgumentException("Give --model.");
        var target = result.GetValue(Target) is { Length: > 0 } t ? t : throw new ArgumentException("Give --target.");
        var pool = result.GetValue(Pool) is { Length: > 0 } p ? p : throw new ArgumentException("Give --pool.");
        return new TovFitRequest(model, target, pool, runDirectory)
        {
            Options = FitOptions(result),
            LabelMap = result.GetValue(LabelMap),
            Force = result.GetValue(Force),
        };
    }

    public TovFitOptions FitOptions(ParseResult result) => new TovFitOptions
    {
        Kind = ParseTask(result.GetValue(Task)),
        BaseSize = result.GetValue(BaseSize),
        Epochs = result.GetValue(Epochs),
        Epsilon = result.GetValue(Epsilon),
        LearningRate = result.GetValue(LearningRate),
        BatchSize = result.GetValue(BatchSize),
        LoraRank = result.GetValue(LoraRank),
        Variant = ParseVariant(result.GetValue(Variant)),
        Transform = ScoreTransforms.Parse(result.GetValue(FitTransform) ?? "identity"),
        MaxLength = result.GetValue(MaxLength),
        Seed = result.GetValue(Seed),
    }.Validate();

    public static TaskKind ParseTask(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "instruction" or "instruct" => TaskKind.Instruction,
        "ner" => TaskKind.Ner,
        _ => throw new ArgumentException($"Unknown --task '{name}': expected instruction or ner."),
    };

    public static TovVariant ParseVariant(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "interleaved" or "a" => TovVariant.Interleaved,
        "parallel" or "b" => TovVariant.Parallel,
        _ => throw new ArgumentException($"Unknown --variant '{name}': expected interleaved or parallel."),
    };
}
