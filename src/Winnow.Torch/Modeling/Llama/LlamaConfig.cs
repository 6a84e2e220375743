using System.Text.Json.Nodes;

namespace Winnow.Torch.Modeling;

/// <summary>Hugging Face <c>LlamaConfig</c>: the fields a Llama-architecture causal LM needs.</summary>
public sealed record LlamaConfig : IModelConfig
{
    public string ModelType => "llama";

    public string Architecture => "LlamaForCausalLM";

    public ModelFamily Family => ModelFamily.CausalLm;

    public int VocabSize { get; init; } = 32000;

    public int HiddenSize { get; init; } = 4096;

    public int IntermediateSize { get; init; } = 11008;

    public int NumHiddenLayers { get; init; } = 32;

    public int NumAttentionHeads { get; init; } = 32;

    /// <summary>Grouped-query attention: fewer key/value heads than query heads; equal means plain multi-head.</summary>
    public int NumKeyValueHeads { get; init; } = 32;

    /// <summary>Per-head width; Hugging Face allows it to differ from hidden/heads, defaulting to that quotient.</summary>
    public int? HeadDimOverride { get; init; }

    public int MaxPositionEmbeddings { get; init; } = 2048;

    public double RmsNormEps { get; init; } = 1e-6;

    public double RopeTheta { get; init; } = 10000.0;

    public bool TieWordEmbeddings { get; init; }

    public double InitializerRange { get; init; } = 0.02;

    public double AttentionDropout { get; init; }

    public int? PadTokenId { get; init; }

    public int? BosTokenId { get; init; } = 1;

    public int? EosTokenId { get; init; } = 2;

    public string TorchDType { get; init; } = "float32";

    /// <summary>config.json keys not modelled here, written back unchanged.</summary>
    public JsonObject? Extra { get; init; }

    public int HeadDim => HeadDimOverride ?? HiddenSize / NumAttentionHeads;

    private static readonly string[] KnownKeys =
    [
        "model_type", "architectures", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
        "num_attention_heads", "num_key_value_heads", "head_dim", "max_position_embeddings", "rms_norm_eps", "rope_theta",
        "tie_word_embeddings", "initializer_range", "attention_dropout", "pad_token_id", "bos_token_id", "eos_token_id",
        "torch_dtype", "hidden_act",
    ];

    public void Validate()
    {
        Positive(VocabSize, "vocab_size");
        Positive(HiddenSize, "hidden_size");
        Positive(IntermediateSize, "intermediate_size");
        Positive(NumHiddenLayers, "num_hidden_layers");
        Positive(NumAttentionHeads, "num_attention_heads");
        Positive(NumKeyValueHeads, "num_key_value_heads");
        Positive(MaxPositionEmbeddings, "max_position_embeddings");
        if (HeadDimOverride is null && HiddenSize % NumAttentionHeads != 0)
            throw new ModelConfigException($"hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}.");
        if (NumAttentionHeads % NumKeyValueHeads != 0)
            throw new ModelConfigException($"num_attention_heads {NumAttentionHeads} is not a multiple of num_key_value_heads {NumKeyValueHeads}.");
        if (HeadDim % 2 != 0) throw new ModelConfigException($"head dimension {HeadDim} must be even for rotary embeddings.");
        if (RmsNormEps <= 0 || RopeTheta <= 0) throw new ModelConfigException("rms_norm_eps and rope_theta must be positive.");
        Json.NormalizeDType(TorchDType);
    }

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray(Architecture),
            ["model_type"] = ModelType,
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["initializer_range"] = InitializerRange,
            ["attention_dropout"] = AttentionDropout,
            ["hidden_act"] = "silu",
            ["pad_token_id"] = PadTokenId,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenId,
            ["torch_dtype"] = TorchDType,
        };
        if (HeadDimOverride is { } hd) o["head_dim"] = hd;
        Json.Merge(o, Extra);
        return o;
    }

    public static LlamaConfig FromJson(JsonObject o)
    {
        const string what = "a Llama config";
        int heads = Json.Required(o, "num_attention_heads", what);
        var act = Json.Str(o, "hidden_act") ?? "silu";
        if (act != "silu") throw new ModelConfigException($"Llama hidden_act '{act}' is not supported (only silu).");
        if (o["rope_scaling"] is JsonObject) throw new ModelConfigException("rope_scaling is not supported.");
        return new LlamaConfig
        {
            VocabSize = Json.Required(o, "vocab_size", what),
            HiddenSize = Json.Required(o, "hidden_size", what),
            IntermediateSize = Json.Required(o, "intermediate_size", what),
            NumHiddenLayers = Json.Required(o, "num_hidden_layers", what),
            NumAttentionHeads = heads,
            NumKeyValueHeads = Json.IntOrNull(o, "num_key_value_heads") ?? heads,
            HeadDimOverride = Json.IntOrNull(o, "head_dim"),
            MaxPositionEmbeddings = Json.Int(o, "max_position_embeddings", 2048),
            RmsNormEps = Json.Num(o, "rms_norm_eps", 1e-6),
            RopeTheta = Json.Num(o, "rope_theta", 10000.0),
            TieWordEmbeddings = Json.Bool(o, "tie_word_embeddings", false),
            InitializerRange = Json.Num(o, "initializer_range", 0.02),
            AttentionDropout = Json.Num(o, "attention_dropout", 0.0),
            PadTokenId = Json.IntOrNull(o, "pad_token_id"),
            BosTokenId = Json.IntOrNull(o, "bos_token_id"),
            EosTokenId = Json.IntOrNull(o, "eos_token_id"),
            TorchDType = Json.NormalizeDType(Json.Str(o, "torch_dtype")),
            Extra = Json.Extras(o, KnownKeys),
        };
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ModelConfigException($"{name} must be positive, got {value}.");
    }
}
