using System.Reflection;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Modeling;

/// <summary>LoRA hyper-parameters (paper: rank 256 for language models, 1 for NER; alpha 32, dropout 0.2).</summary>
public sealed record LoraOptions
{
    public int Rank { get; init; } = 8;

    public double Alpha { get; init; } = 32;

    /// <summary>Dropout on the input of the adapter path only; the frozen base path sees the input unchanged.</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>Module-name suffixes to adapt; null means the family's attention projections (plus MLP when <see cref="IncludeMlp"/>).</summary>
    public IReadOnlyList<string>? TargetModules { get; init; }

    public bool IncludeMlp { get; init; }

    /// <summary>Seeds the A matrices' initialisation.</summary>
    public long Seed { get; init; }

    public double Scaling => Alpha / Rank;

    public void Validate()
    {
        if (Rank <= 0) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "LoRA rank must be positive.");
        if (Alpha <= 0) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "LoRA alpha must be positive.");
        if (Dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "LoRA dropout must be in [0, 1).");
        if (TargetModules is { Count: 0 }) throw new ArgumentException("TargetModules, when given, must name at least one module.", nameof(TargetModules));
    }

    public IReadOnlyList<string> TargetsFor(ModelFamily family)
    {
        if (TargetModules is not null) return TargetModules;
        bool llama = family == ModelFamily.CausalLm;
        IEnumerable<string> attention = llama ? ["q_proj", "k_proj", "v_proj", "o_proj"] : ["query", "key", "value", "attention.output.dense"];
        IEnumerable<string> mlp = llama ? ["gate_proj", "up_proj", "down_proj"] : ["intermediate.dense", "output.dense"];
        return (IncludeMlp ? attention.Concat(mlp) : attention).ToArray();
    }
}

/// <summary>
/// A linear layer plus a low-rank update: y = x·Wᵀ + b + scaling · B(A(dropout(x))). It holds the wrapped
/// layer's own <c>weight</c>/<c>bias</c> Parameter objects (no copy), frozen, under the same names, so the base
/// keys stay Hugging Face's and the adapter keys are PEFT's (<c>…q_proj.lora_A.weight</c>).
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly Linear lora_A;
    private readonly Linear lora_B;
    private readonly Dropout lora_dropout;

    // Held by the layer, not an implicit temporary per forward (see SafeScalars).
    private readonly Scalar _scaling;

    // W + scaling·B·A for scoring (CacheMergedWeight); null: run the base and adapter paths.
    private Tensor? _merged;

    public LoraLinear(Linear baseLayer, LoraOptions options, Generator? generator = null) : base(nameof(LoraLinear))
    {
        options.Validate();
        weight = baseLayer.weight ?? throw new ArgumentException("The base layer has no weight.", nameof(baseLayer));
        bias = baseLayer.bias;
        weight.requires_grad = false;
        if (bias is not null) bias.requires_grad = false;
        long inFeatures = weight.shape[1], outFeatures = weight.shape[0];
        lora_A = nn.Linear(inFeatures, options.Rank, hasBias: false);
        lora_B = nn.Linear(options.Rank, outFeatures, hasBias: false);
        using (no_grad())
        {
            // PEFT's default: kaiming-uniform with a = √5 on A, i.e. U(±1/√in); B zero so the adapter starts as a no-op.
            double bound = 1.0 / Math.Sqrt(inFeatures);
            lora_A.weight!.uniform_(-bound, bound, generator);
            lora_B.weight!.zero_();
        }
        if (weight.dtype != ScalarType.Float32)
        {
            lora_A.to(weight.dtype);
            lora_B.to(weight.dtype);
        }
        lora_dropout = nn.Dropout(options.Dropout);
        Options = options;
        Scaling = options.Scaling;
        _scaling = SafeScalars.Owned(Scaling);
        RegisterComponents();
    }

    public double Scaling { get; }

    /// <summary>The options this layer was adapted with (rank, alpha, dropout, targets).</summary>
    public LoraOptions Options { get; }

    /// <summary>False: the layer behaves exactly as the base layer.</summary>
    public bool Enabled { get; set; } = true;

    public Parameter Weight => weight;

    public Parameter? Bias => bias;

    public Parameter A => lora_A.weight!;

    public Parameter B => lora_B.weight!;

    /// <summary>Whether a merged weight is cached (see <see cref="CacheMergedWeight"/>).</summary>
    public bool HasMergedWeight => _merged is not null;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (_merged is not null)
        {
            // The cache is for scoring only: training (or anything that needs gradients) drops it and runs the two paths,
            // so a stale merged weight can never outlive an optimizer step.
            if (!training && !is_grad_enabled()) return (Enabled ? F.linear(x, _merged, bias) : F.linear(x, weight, bias)).MoveToOuterDisposeScope();
            DropMergedWeight();
        }
        var y = F.linear(x, weight, bias);
        if (Enabled) y = y.Plus(lora_B.call(lora_A.call(lora_dropout.call(x))).mul(_scaling));
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Caches W + scaling·B·A of the adapter as it is now, so that eval-mode forwards without autograd run one matmul
    /// instead of the base matmul plus the rank-r path (ToV scores every pool batch under 2L adapter states; merging
    /// once per state switch costs a few small matmuls). <see cref="Lora.LoadAdapterWeights"/> and a forward that
    /// needs gradients drop the cache; a caller writing A or B directly calls <see cref="DropMergedWeight"/>.
    /// </summary>
    public void CacheMergedWeight()
    {
        using var noGrad = no_grad();
        var merged = MergedWeight();
        DropMergedWeight();
        _merged = merged.DetachFromDisposeScope();
    }

    public void DropMergedWeight()
    {
        _merged?.Dispose();
        _merged = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) DropMergedWeight();
        base.Dispose(disposing);
    }

    /// <summary>W + scaling·B·A: the weight a merged export carries.</summary>
    public Tensor MergedWeight()
    {
        using var scope = NewDisposeScope();
        return weight.Plus(matmul(B, A).mul(_scaling)).to_type(weight.dtype).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// An in-memory copy of a model's adapter (and LoRA-trainable head) tensors, for switching between adapter
/// states without touching the base weights or the disk.
/// </summary>
public sealed class AdapterState : IDisposable
{
    internal AdapterState(Dictionary<string, Tensor> tensors) => Tensors = tensors;

    /// <summary>By state-dict name, e.g. <c>model.layers.0.self_attn.q_proj.lora_A.weight</c>.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}

/// <summary>Applies, saves, loads, swaps, toggles and merges LoRA adapters on a Winnow model.</summary>
public static class Lora
{
    public const string AdapterWeightsFile = "adapter_model.safetensors";
    public const string AdapterConfigFile = "adapter_config.json";

    /// <summary>PEFT saves adapter keys under this prefix; loading accepts keys with or without it.</summary>
    public const string PeftPrefix = "base_model.model.";

    /// <summary>
    /// Wraps every linear layer whose name ends with one of the targets in a <see cref="LoraLinear"/>, in place,
    /// and freezes everything else (except a token classifier's head). Returns the adapted layer names.
    /// </summary>
    public static IReadOnlyList<string> Apply(IPretrainedModel model, LoraOptions options)
    {
        options.Validate();
        if (IsApplied(model)) throw new InvalidOperationException("LoRA is already applied to this model.");
        var targets = options.TargetsFor(model.Family);
        using var generator = new Generator((ulong)options.Seed, CPU);
        var chosen = model.Module.named_modules()
            .Where(nm => nm.module is Linear && Matches(nm.name, targets))
            .Select(nm => (nm.name, linear: (Linear)nm.module))
            .ToList();
        if (chosen.Count == 0) throw new ArgumentException($"No linear layer matches the LoRA targets {string.Join(", ", targets)}.", nameof(options));
        foreach (var p in model.Module.parameters()) p.requires_grad = false;
        foreach (var (name, linear) in chosen) ReplaceChild(model.Module, name, new LoraLinear(linear, options, generator));
        UnfreezeHead(model);
        return chosen.Select(c => c.name).ToList();
    }

    public static bool IsApplied(IPretrainedModel model) => Layers(model).Any();

    /// <summary>The adapted layers by module name.</summary>
    public static IEnumerable<(string Name, LoraLinear Layer)> Layers(IPretrainedModel model) =>
        model.Module.named_modules().Where(nm => nm.module is LoraLinear).Select(nm => (nm.name, (LoraLinear)nm.module));

    /// <summary>Turns every adapter on or off; off, the model computes exactly its base function.</summary>
    public static void SetEnabled(IPretrainedModel model, bool enabled)
    {
        foreach (var (_, layer) in Layers(model)) layer.Enabled = enabled;
    }

    /// <summary>Adapter tensors plus, for a token classifier, its head: what an adapter file holds. Live parameters, not copies.</summary>
    public static IReadOnlyDictionary<string, Parameter> AdapterParameters(IPretrainedModel model) =>
        model.Module.named_parameters()
            .Where(np => ModelCheckpoint.IsAdapterKey(np.name) || IsTrainableHead(model, np.name))
            .ToDictionary(np => np.name, np => np.parameter, StringComparer.Ordinal);

    /// <summary>Copies the current adapter state (cheap: adapter-sized).</summary>
    public static AdapterState Snapshot(IPretrainedModel model)
    {
        RequireApplied(model);
        using var scope = NewDisposeScope();
        var copies = AdapterParameters(model).ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().MoveToOuterDisposeScope(), StringComparer.Ordinal);
        return new AdapterState(copies);
    }

    /// <summary>Makes <paramref name="state"/> the model's adapter: copies into the existing adapter parameters, base untouched.</summary>
    public static void SetAdapter(IPretrainedModel model, AdapterState state) => LoadAdapterWeights(model, state.Tensors);

    /// <summary>
    /// <see cref="SetAdapter"/>, then caches each layer's merged weight W + scaling·B·A for forward passes in eval mode
    /// without autograd (what scoring runs): one matmul per adapted layer instead of the base matmul plus the rank-r
    /// path, with the same function up to float rounding. The next adapter load, or any forward that needs
    /// gradients, drops the cache.
    /// </summary>
    public static void SetAdapterMerged(IPretrainedModel model, AdapterState state)
    {
        SetAdapter(model, state);
        foreach (var (_, layer) in Layers(model)) layer.CacheMergedWeight();
    }

    /// <summary>Drops every layer's cached merged weight (see <see cref="SetAdapterMerged"/>).</summary>
    public static void DropMergedWeights(IPretrainedModel model)
    {
        foreach (var (_, layer) in Layers(model)) layer.DropMergedWeight();
    }

    /// <summary>
    /// Copies adapter tensors (state-dict names, optionally with the PEFT prefix and RoBERTa checkpoint names)
    /// into the model's adapter parameters. Every adapter parameter must be provided.
    /// </summary>
    public static void LoadAdapterWeights(IPretrainedModel model, IReadOnlyDictionary<string, Tensor> tensors, string source = "(in memory)")
    {
        RequireApplied(model);
        DropMergedWeights(model);
        var byModelKey = tensors.ToDictionary(kv => NormalizeAdapterKey(model, kv.Key), kv => kv.Value, StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in AdapterParameters(model))
        {
            if (!byModelKey.TryGetValue(name, out var source_))
                throw new CheckpointException(source, name, "adapter tensor missing.");
            if (!source_.shape.SequenceEqual(parameter.shape))
                throw new CheckpointException(source, name, $"shape [{string.Join(",", source_.shape)}] does not match the adapter's [{string.Join(",", parameter.shape)}] (different rank?).");
            parameter.copy_(source_.to_type(parameter.dtype));
        }
    }

    /// <summary>
    /// Writes <c>adapter_model.safetensors</c> and a PEFT-style <c>adapter_config.json</c> into <paramref name="dir"/>;
    /// <paramref name="options"/> defaults to those the adapters were applied with.
    /// </summary>
    public static void SaveAdapter(IPretrainedModel model, string dir, LoraOptions? options = null)
    {
        RequireApplied(model);
        options ??= Layers(model).First().Layer.Options;
        Directory.CreateDirectory(dir);
        var tensors = AdapterParameters(model).Select(kv => new KeyValuePair<string, Tensor>(PeftPrefix + ModelCheckpoint.CheckpointKey(model, kv.Key), kv.Value));
        SafeTensors.Save(Path.Combine(dir, AdapterWeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var config = AdapterConfigJson(model, options);
        ModelCheckpoint.WriteAtomically(Path.Combine(dir, AdapterConfigFile), path => File.WriteAllText(path, config.ToJsonString(ModelConfigs.WriteOptions) + "\n"));
    }

    /// <summary>Reads an adapter directory's options (rank, alpha, dropout, targets).</summary>
    public static LoraOptions ReadAdapterOptions(string dir)
    {
        var path = Path.Combine(dir, AdapterConfigFile);
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("not an object");
            var targets = (json["target_modules"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToArray();
            return new LoraOptions
            {
                Rank = Json.Int(json, "r", 8),
                Alpha = Json.Num(json, "lora_alpha", 32),
                Dropout = Json.Num(json, "lora_dropout", 0.2),
                TargetModules = targets,
            };
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw new CheckpointException(path, null, $"not a readable adapter config: {e.Message}", e);
        }
    }

    /// <summary>Loads an adapter directory: applies LoRA with its options if the model has none yet, then copies the weights.</summary>
    public static LoraOptions LoadAdapter(IPretrainedModel model, string dir)
    {
        var options = ReadAdapterOptions(dir);
        if (!IsApplied(model)) Apply(model, options);
        var path = Path.Combine(dir, AdapterWeightsFile);
        var tensors = SafeTensors.Load(path);
        try
        {
            LoadAdapterWeights(model, tensors, path);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        return options;
    }

    /// <summary>
    /// Folds every adapter into its base weight (W += scaling·B·A) and puts plain linear layers back, so the
    /// model saves as an ordinary checkpoint with the adapted function. Parameters become trainable again.
    /// </summary>
    public static void Merge(IPretrainedModel model)
    {
        foreach (var (name, layer) in Layers(model).ToList())
        {
            layer.DropMergedWeight();
            using (no_grad())
            {
                if (layer.Enabled)
                {
                    using var merged = layer.MergedWeight();
                    layer.Weight.copy_(merged);
                }
            }
            var plain = nn.Linear(layer.Weight.shape[1], layer.Weight.shape[0], hasBias: layer.Bias is not null);
            plain.weight = layer.Weight;
            if (layer.Bias is not null) plain.bias = layer.Bias;
            ReplaceChild(model.Module, name, plain);
        }
        foreach (var p in model.Module.parameters()) p.requires_grad = true;
    }

    private static JsonObject AdapterConfigJson(IPretrainedModel model, LoraOptions options)
    {
        var targets = options.TargetsFor(model.Family);
        var o = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = model.Family switch { ModelFamily.CausalLm => "CAUSAL_LM", ModelFamily.TokenClassifier => "TOKEN_CLS", _ => null },
            ["r"] = options.Rank,
            ["lora_alpha"] = options.Alpha,
            ["lora_dropout"] = options.Dropout,
            ["target_modules"] = new JsonArray(targets.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = false,
            ["base_model_name_or_path"] = null,
            ["modules_to_save"] = model.HeadTrainableUnderLora
                ? new JsonArray(model.HeadPrefixes.Select(p => (JsonNode)JsonValue.Create(p.TrimEnd('.'))!).ToArray())
                : null,
        };
        return o;
    }

    private static string NormalizeAdapterKey(IPretrainedModel model, string key)
    {
        if (key.StartsWith(PeftPrefix, StringComparison.Ordinal)) key = key[PeftPrefix.Length..];
        return ModelCheckpoint.ModelKey(model, key);
    }

    private static bool Matches(string name, IReadOnlyList<string> targets) =>
        targets.Any(t => name == t || name.EndsWith("." + t, StringComparison.Ordinal));

    private static bool IsTrainableHead(IPretrainedModel model, string name) =>
        model.HeadTrainableUnderLora && model.HeadPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    private static void UnfreezeHead(IPretrainedModel model)
    {
        foreach (var (name, p) in model.Module.named_parameters())
            if (IsTrainableHead(model, name) || ModelCheckpoint.IsAdapterKey(name)) p.requires_grad = true;
    }

    private static void RequireApplied(IPretrainedModel model)
    {
        if (!IsApplied(model)) throw new InvalidOperationException("This model has no LoRA adapters: call Lora.Apply or Lora.LoadAdapter first.");
    }

    /// <summary>
    /// Swaps the submodule at dotted path <paramref name="name"/>: re-registers it under the same key and
    /// points the parent's same-named field at it, so forward() calls the replacement.
    /// </summary>
    private static void ReplaceChild(nn.Module root, string name, nn.Module<Tensor, Tensor> replacement)
    {
        int dot = name.LastIndexOf('.');
        var parentName = dot < 0 ? "" : name[..dot];
        var childName = name[(dot + 1)..];
        var parent = parentName.Length == 0 ? root : root.named_modules().First(nm => nm.name == parentName).module;
        var field = parent.GetType().GetField(childName, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException($"{parent.GetType().Name} has no field '{childName}' to adapt.");
        if (!field.FieldType.IsAssignableFrom(replacement.GetType()))
            throw new InvalidOperationException($"{parent.GetType().Name}.{childName} is a {field.FieldType.Name}; LoRA cannot replace it.");
        parent.register_module(childName, null!);
        parent.register_module(childName, replacement);
        field.SetValue(parent, replacement);
    }
}
