using System.Reflection;
using System.Text.Json.Nodes;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

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
        var layers = options.LayersToTransform is { } l ? new HashSet<int>(l) : null;
        var chosen = model.Module.named_modules()
            .Where(nm => nm.module is Linear && Matches(nm.name, targets) && (layers is null || (LayerIndex(nm.name) is { } i && layers.Contains(i))))
            .Select(nm => (nm.name, linear: (Linear)nm.module))
            .ToList();
        if (chosen.Count == 0)
            throw new ArgumentException($"No linear layer matches the LoRA targets {string.Join(", ", targets)}"
                + (layers is null ? "." : $" in layers {string.Join(", ", layers.Order())}."), nameof(options));
        foreach (var p in model.Module.parameters()) p.requires_grad = false;
        foreach (var (name, linear) in chosen) ReplaceChild(model.Module, name, new LoraLinear(linear, options, generator));
        UnfreezeHead(model);
        return chosen.Select(c => c.name).ToList();
    }

    public static bool IsApplied(IPretrainedModel model) => Layers(model).Any();

    /// <summary>
    /// The transformer block a module belongs to, from the <c>layer.N.</c> (BERT) or <c>layers.N.</c> (Llama) segment of
    /// its name, as PEFT's <c>layers_pattern</c> finds it; null for a module outside the numbered blocks.
    /// </summary>
    public static int? LayerIndex(string moduleName)
    {
        var match = LayerSegment.Match(moduleName);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// How many of the model's lowest blocks carry no adapter: the blocks below the lowest adapted one. Their output is
    /// the base model's under every adapter state, which is what lets <see cref="Evaluation.MultiStateTokenScorer"/> run
    /// them once per batch. 0 when an adapted module sits outside the numbered blocks or no LoRA is applied.
    /// </summary>
    public static int UnadaptedBottomLayers(IPretrainedModel model)
    {
        int lowest = int.MaxValue;
        foreach (var (name, _) in Layers(model))
        {
            if (LayerIndex(name) is not { } i) return 0;
            lowest = Math.Min(lowest, i);
        }
        return lowest == int.MaxValue ? 0 : lowest;
    }

    private static readonly System.Text.RegularExpressions.Regex LayerSegment = new(@"(?:^|\.)layers?\.(\d+)(?:\.|$)", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

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
            // PEFT writes layers_to_transform as a list, or a single int, or null.
            int[]? layers = json["layers_to_transform"] switch
            {
                JsonArray a => a.Select(n => n!.GetValue<int>()).ToArray(),
                JsonValue v => [v.GetValue<int>()],
                _ => null,
            };
            return new LoraOptions
            {
                Rank = Json.Int(json, "r", 8),
                Alpha = Json.Num(json, "lora_alpha", 32),
                Dropout = Json.Num(json, "lora_dropout", 0.2),
                TargetModules = targets,
                LayersToTransform = layers,
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
            ["layers_to_transform"] = options.LayersToTransform is { } layers ? new JsonArray(layers.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray()) : null,
            ["layers_pattern"] = options.LayersToTransform is null ? null : model.Family == ModelFamily.CausalLm ? "layers" : "layer",
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
