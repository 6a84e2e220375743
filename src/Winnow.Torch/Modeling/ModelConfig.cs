using System.Text.Json;
using System.Text.Json.Nodes;

namespace Winnow.Torch.Modeling;

/// <summary>What a model predicts at each position, which decides how its batches are built.</summary>
public enum ModelFamily
{
    /// <summary>Llama-style decoder: next-token log-probs.</summary>
    CausalLm,

    /// <summary>BERT/RoBERTa encoder with a per-token label head (NER).</summary>
    TokenClassifier,

    /// <summary>BERT/RoBERTa encoder with the masked-LM head.</summary>
    MaskedLm,
}

/// <summary>A Hugging Face <c>config.json</c> Winnow understands.</summary>
public interface IModelConfig
{
    string ModelType { get; }

    /// <summary>The Hugging Face class name, e.g. <c>LlamaForCausalLM</c>.</summary>
    string Architecture { get; }

    ModelFamily Family { get; }

    /// <summary>"float32", "float16" or "bfloat16": the dtype the weights were saved in.</summary>
    string TorchDType { get; }

    int VocabSize { get; }

    JsonObject ToJson();

    /// <summary>Throws <see cref="ModelConfigException"/> when the numbers cannot make a model.</summary>
    void Validate();
}

/// <summary>Reads and writes <c>config.json</c> and picks the config type from <c>architectures</c>/<c>model_type</c>.</summary>
public static class ModelConfigs
{
    public static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    public static IModelConfig Parse(JsonObject json)
    {
        var modelType = Json.Str(json, "model_type");
        var architecture = (json["architectures"] as JsonArray)?.FirstOrDefault()?.GetValue<string>();
        bool llama = modelType is "llama" or "mistral" || architecture is "LlamaForCausalLM" or "MistralForCausalLM";
        bool bert = modelType is "bert" or "roberta" || architecture is not null && (architecture.StartsWith("Bert", StringComparison.Ordinal) || architecture.StartsWith("Roberta", StringComparison.Ordinal));
        IModelConfig config = llama ? LlamaConfig.FromJson(json)
            : bert ? BertConfig.FromJson(json)
            : throw new ModelConfigException($"Unknown architecture '{architecture ?? "(none)"}' / model_type '{modelType ?? "(none)"}': Winnow builds LlamaForCausalLM, Bert/RobertaForTokenClassification and Bert/RobertaForMaskedLM.");
        config.Validate();
        return config;
    }

    /// <summary>Parameters of the model a config describes, counted from its shapes (no tensor is made).</summary>
    public static long ParameterCount(IModelConfig config) => config switch
    {
        LlamaConfig c => LlamaParameters(c),
        BertConfig c => BertParameters(c),
        _ => 0,
    };

    private static long LlamaParameters(LlamaConfig c)
    {
        long h = c.HiddenSize, v = c.VocabSize, i = c.IntermediateSize, q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        long layer = h * q + 2 * h * kv + q * h + 3 * h * i + 2 * h;
        return checked(v * h * (c.TieWordEmbeddings ? 1 : 2) + c.NumHiddenLayers * layer + h);
    }

    private static long BertParameters(BertConfig c)
    {
        long h = c.HiddenSize, i = c.IntermediateSize;
        long embeddings = ((long)c.VocabSize + c.MaxPositionEmbeddings + c.TypeVocabSize) * h + 2 * h;
        long layer = 4 * (h * h + h) + 2 * h * i + i + h + 4 * h;
        long head = c.Head == ModelFamily.MaskedLm ? h * h + 3 * h + c.VocabSize : (h + 1) * c.Labels.Count;
        return checked(embeddings + c.NumHiddenLayers * layer + head);
    }

    public static IModelConfig Read(string configPath)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(configPath, null, $"not valid JSON: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new CheckpointException(configPath, null, $"cannot read: {e.Message}", e);
        }
        try
        {
            return Parse(json);
        }
        catch (Exception e) when (e is ModelConfigException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new CheckpointException(configPath, null, e.Message, e);
        }
    }

    public static void Write(IModelConfig config, string configPath) =>
        File.WriteAllText(configPath, config.ToJson().ToJsonString(WriteOptions) + "\n");
}

/// <summary>Small typed getters over <see cref="JsonObject"/> that tolerate absent keys and JSON nulls.</summary>
internal static class Json
{
    public static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static int Int(JsonObject o, string key, int fallback) => IntOrNull(o, key) ?? fallback;

    /// <summary>
    /// A size field the model cannot be built without. Filling it with a default (Llama-7B's hidden 4096, 32 layers)
    /// would build a model other than the checkpoint's, or one larger than the machine, so its absence is an error.
    /// </summary>
    public static int Required(JsonObject o, string key, string architecture) =>
        IntOrNull(o, key) ?? throw new ModelConfigException($"missing required field '{key}' ({architecture} needs it; Winnow does not guess model sizes).");

    public static int? IntOrNull(JsonObject o, string key) => NumOrNull(o, key) is { } d
        ? d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : throw new FormatException($"config key '{key}' must be a whole number, got {d}.")
        : null;

    public static double Num(JsonObject o, string key, double fallback) => NumOrNull(o, key) ?? fallback;

    /// <summary>Parsed JSON holds numbers as elements, built JSON as CLR primitives: accept both.</summary>
    private static double? NumOrNull(JsonObject o, string key)
    {
        if (o[key] is not JsonValue v) return null;
        if (v.TryGetValue<double>(out var d)) return d;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<float>(out var f)) return f;
        throw new FormatException($"config key '{key}' must be a number, got {v.ToJsonString()}.");
    }

    public static bool Bool(JsonObject o, string key, bool fallback) => o[key] is JsonValue v ? v.GetValue<bool>() : fallback;

    /// <summary>Keys this config type does not model, kept so a load→save round trip loses nothing.</summary>
    public static JsonObject Extras(JsonObject o, IEnumerable<string> known)
    {
        var set = known.ToHashSet(StringComparer.Ordinal);
        var extra = new JsonObject();
        foreach (var (k, v) in o)
            if (!set.Contains(k)) extra[k] = v?.DeepClone();
        return extra;
    }

    public static void Merge(JsonObject target, JsonObject? extras)
    {
        if (extras is null) return;
        foreach (var (k, v) in extras)
            if (!target.ContainsKey(k)) target[k] = v?.DeepClone();
    }

    public static string NormalizeDType(string? dtype) => dtype switch
    {
        null or "float32" or "float" => "float32",
        "float16" or "half" => "float16",
        "bfloat16" => "bfloat16",
        _ => throw new ModelConfigException($"Unsupported torch_dtype '{dtype}': expected float32, float16 or bfloat16."),
    };
}
