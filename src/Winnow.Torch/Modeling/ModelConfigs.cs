using System.Text.Json;
using System.Text.Json.Nodes;

namespace Winnow.Torch.Modeling;

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
