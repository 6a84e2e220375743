using System.CommandLine;
using System.Globalization;
using Winnow.Core.Data;
using Winnow.Methods;
using Winnow.Methods.Common;
using Winnow.Torch.Methods;

namespace Winnow.Cli.Commands;

/// <summary>
/// The options of a fit, shared by <c>fit</c> and <c>select --method M</c>: common inputs, method settings as repeatable
/// <c>--set key=value</c>, and ToV's historical flags, which become settings (<c>--base-size 60</c> = <c>--set base_size=60</c>)
/// when given, so a method that does not take one refuses it by name.
/// </summary>
internal sealed class MethodFitCliOptions
{
    public MethodFitCliOptions(bool outRequired, string outDescription)
    {
        Out = new Option<string>("--out") { Description = outDescription, Required = outRequired };
    }

    public Option<string> MethodName { get; } = new("--method") { Description = $"Selection method: {string.Join(", ", SelectionMethods.Names)}.", DefaultValueFactory = _ => "tov" };
    public Option<string> Model { get; } = new("--model") { Description = ModelNames.OptionHelp + ": the base model θ0; not needed by random and dsir." };
    public Option<string[]> Target { get; } = new("--target") { Description = "Target (validation) files or folders.", AllowMultipleArgumentsPerToken = true };
    public Option<string[]> Pool { get; } = new("--pool") { Description = "Pool files or folders to select from.", AllowMultipleArgumentsPerToken = true };
    public Option<string> Out { get; }
    public Option<string?> Task { get; } = new("--task") { Description = "instruction or ner (default: from --model — a causal LM means instruction, an encoder NER; without a model, from the target data)." };
    public Option<string?> LabelMap { get; } = new("--label-map") { Description = "NER label-map file applied to target and pool." };
    public Option<FieldMapping?> Fields { get; } = TaskData.FieldsOption();
    public Option<string[]> Set { get; } = new("--set") { Description = "Method setting key=value (repeatable), e.g. --set hash_bits=18." };
    public Option<int?> BaseSize { get; } = new("--base-size") { Description = "|U| (ToV's default min(4096, |pool|/4, max(200, |pool|/8)); uncertainty's min(4096, |pool|/4)); = --set base_size." };
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "ToV's L (default 4; --set sizes=paper: max(1, 16384/|U|)); = --set epochs." };
    public Option<double?> Epsilon { get; } = new("--epsilon") { Description = "ToV validation-step rate as a fraction of the epoch's rate (0.1); = --set epsilon." };
    public Option<double?> LearningRate { get; } = new("--lr") { Description = "Peak learning rate of the base epochs (ToV 1e-3, uncertainty 2e-4); = --set lr." };
    public Option<int?> BatchSize { get; } = new("--batch-size") { Description = "Training batch size (16); = --set batch_size." };
    public Option<int?> LoraRank { get; } = new("--lora-rank") { Description = "LoRA rank (8; paper: 256 for instruction tuning, 1 for NER); = --set lora_rank." };
    public Option<string?> Variant { get; } = new("--variant") { Description = "ToV: interleaved (Method A, default) or parallel (Method B); = --set variant." };
    public Option<string?> FitTransform { get; } = new("--score-transform") { Description = "ToV: transform of the score column: identity (default), abs or positive; = --set transform." };
    public Option<int?> MaxLength { get; } = new("--max-length") { Description = "Longest encoded example in tokens (256); = --set max_length." };
    public Option<bool> Force { get; } = new("--force") { Description = "Replace a run folder made from other inputs." };
    public Option<int> Seed { get; } = CommonOptions.Seed();
    public Option<int> Threads { get; } = CommonOptions.Threads();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { MethodName, Model, Target, Pool, Out, Task, LabelMap, Fields, Set, BaseSize, Epochs, Epsilon, LearningRate, BatchSize, LoraRank, Variant, FitTransform, MaxLength, Force, Seed, Threads })
            command.Options.Add(option);
    }

    public void ApplyRuntime(ParseResult result) => CommonOptions.ApplyRuntime(result, Threads);

    public ISelectionMethod Method(ParseResult result) => SelectionMethods.Get(result.GetValue(MethodName));

    public MethodFitRequest FitRequest(ParseResult result, ISelectionMethod method, string runDirectory)
    {
        var pool = result.GetValue(Pool) is { Length: > 0 } p ? p : throw new ArgumentException("Give --pool.");
        string? model = result.GetValue(Model) is { } m ? ModelNames.Resolve(m) : null;
        if (method.NeedsModel && model is null) throw new ArgumentException($"Give --model: method {method.Name} needs a base model.");
        return new MethodFitRequest(result.GetValue(Target) ?? [], pool, runDirectory)
        {
            Model = model,
            Kind = result.GetValue(Task) is { } task ? ParseTask(task)
                : model is not null ? TaskData.KindOf(model)
                : TaskData.KindOfData(result.GetValue(Target) is { Length: > 0 } t ? t : pool, result.GetValue(Fields)),
            LabelMap = result.GetValue(LabelMap),
            Fields = result.GetValue(Fields),
            Seed = result.GetValue(Seed),
            Force = result.GetValue(Force),
            Settings = Settings(result),
        };
    }

    /// <summary><c>--set</c> pairs plus the ToV flags that were given; the same key both ways is an error.</summary>
    private Dictionary<string, string> Settings(ParseResult result)
    {
        var settings = MethodSettings.ParsePairs(result.GetValue(Set) ?? []);
        void Flag(string key, string? value)
        {
            if (value is null) return;
            if (!settings.TryAdd(key, value)) throw new ArgumentException($"Setting {key} is given both as a flag and with --set.");
        }
        var c = CultureInfo.InvariantCulture;
        Flag("base_size", result.GetValue(BaseSize)?.ToString(c));
        Flag("epochs", result.GetValue(Epochs)?.ToString(c));
        Flag("epsilon", result.GetValue(Epsilon)?.ToString("R", c));
        Flag("lr", result.GetValue(LearningRate)?.ToString("R", c));
        Flag("batch_size", result.GetValue(BatchSize)?.ToString(c));
        Flag("lora_rank", result.GetValue(LoraRank)?.ToString(c));
        Flag("variant", result.GetValue(Variant));
        Flag("transform", result.GetValue(FitTransform));
        Flag("max_length", result.GetValue(MaxLength)?.ToString(c));
        return settings;
    }

    public static TaskKind ParseTask(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "instruction" or "instruct" => TaskKind.Instruction,
        "ner" => TaskKind.Ner,
        _ => throw new ArgumentException($"Unknown --task '{name}': expected instruction or ner."),
    };
}
