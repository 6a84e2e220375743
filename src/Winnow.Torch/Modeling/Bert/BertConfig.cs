using System.Globalization;
using System.Text.Json.Nodes;

namespace Winnow.Torch.Modeling;

/// <summary>
/// Hugging Face <c>BertConfig</c>/<c>RobertaConfig</c>. One record serves both: RoBERTa differs only in
/// its weight-name prefix, its head names and learned positions offset by <c>pad_token_id + 1</c>.
/// </summary>
public sealed record BertConfig : IModelConfig
{
    /// <summary>"bert" or "roberta".</summary>
    public string ModelType { get; init; } = "bert";

    /// <summary>Token classifier or masked LM.</summary>
    public ModelFamily Head { get; init; } = ModelFamily.TokenClassifier;

    /// <summary>
    /// A bare encoder checkpoint (Hugging Face <c>BertModel</c>/<c>RobertaModel</c>, as <c>winnow import onnx</c> writes):
    /// its weights have no head and no <c>bert.</c> prefix; loading it builds <see cref="Head"/> freshly initialised.
    /// </summary>
    public bool BodyOnly { get; init; }

    public string Architecture => (IsRoberta ? "Roberta" : "Bert") + (BodyOnly ? "Model" : Head == ModelFamily.MaskedLm ? "ForMaskedLM" : "ForTokenClassification");

    public ModelFamily Family => Head;

    public bool IsRoberta => ModelType == "roberta";

    /// <summary>Prefix of the encoder body's weights: <c>bert</c> or <c>roberta</c>.</summary>
    public string BodyPrefix => IsRoberta ? "roberta" : "bert";

    public int VocabSize { get; init; } = 30522;

    public int HiddenSize { get; init; } = 768;

    public int IntermediateSize { get; init; } = 3072;

    public int NumHiddenLayers { get; init; } = 12;

    public int NumAttentionHeads { get; init; } = 12;

    public int MaxPositionEmbeddings { get; init; } = 512;

    public int TypeVocabSize { get; init; } = 2;

    public double LayerNormEps { get; init; } = 1e-12;

    public double HiddenDropoutProb { get; init; } = 0.1;

    public double AttentionProbsDropoutProb { get; init; } = 0.1;

    /// <summary>Dropout before the token classifier; null uses <see cref="HiddenDropoutProb"/> as Hugging Face does.</summary>
    public double? ClassifierDropout { get; init; }

    /// <summary>"gelu" (erf), "gelu_new"/"gelu_pytorch_tanh" (tanh approximation) or "relu".</summary>
    public string HiddenAct { get; init; } = "gelu";

    public int PadTokenId { get; init; }

    public double InitializerRange { get; init; } = 0.02;

    /// <summary>Label names by id (id2label); the token classifier has one output per label.</summary>
    public IReadOnlyList<string> Labels { get; init; } = ["LABEL_0", "LABEL_1"];

    public string TorchDType { get; init; } = "float32";

    public JsonObject? Extra { get; init; }

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>RoBERTa numbers real positions from <c>pad_token_id + 1</c>; BERT from 0.</summary>
    public int PositionOffset => IsRoberta ? PadTokenId + 1 : 0;

    private static readonly string[] KnownKeys =
    [
        "model_type", "architectures", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
        "num_attention_heads", "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "hidden_dropout_prob",
        "attention_probs_dropout_prob", "classifier_dropout", "hidden_act", "pad_token_id", "initializer_range",
        "id2label", "label2id", "torch_dtype", "num_labels",
    ];

    public void Validate()
    {
        if (ModelType is not ("bert" or "roberta")) throw new ModelConfigException($"model_type '{ModelType}' is not bert or roberta.");
        if (Head is not (ModelFamily.TokenClassifier or ModelFamily.MaskedLm)) throw new ModelConfigException($"BERT head must be token classification or masked LM, got {Head}.");
        foreach (var (value, name) in new[] { (VocabSize, "vocab_size"), (HiddenSize, "hidden_size"), (IntermediateSize, "intermediate_size"), (NumHiddenLayers, "num_hidden_layers"), (NumAttentionHeads, "num_attention_heads"), (MaxPositionEmbeddings, "max_position_embeddings"), (TypeVocabSize, "type_vocab_size") })
            if (value <= 0) throw new ModelConfigException($"{name} must be positive, got {value}.");
        if (HiddenSize % NumAttentionHeads != 0)
            throw new ModelConfigException($"hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}.");
        if (Head == ModelFamily.TokenClassifier && Labels.Count == 0) throw new ModelConfigException("A token classifier needs at least one label (id2label).");
        if (PositionOffset >= MaxPositionEmbeddings) throw new ModelConfigException("pad_token_id + 1 leaves no RoBERTa positions.");
        if (HiddenAct is not ("gelu" or "gelu_new" or "gelu_pytorch_tanh" or "relu")) throw new ModelConfigException($"hidden_act '{HiddenAct}' is not supported.");
        Json.NormalizeDType(TorchDType);
    }

    public JsonObject ToJson()
    {
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (int i = 0; i < Labels.Count; i++)
        {
            id2label[i.ToString(CultureInfo.InvariantCulture)] = Labels[i];
            label2id[Labels[i]] = i;
        }
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray(Architecture),
            ["model_type"] = ModelType,
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["type_vocab_size"] = TypeVocabSize,
            ["layer_norm_eps"] = LayerNormEps,
            ["hidden_dropout_prob"] = HiddenDropoutProb,
            ["attention_probs_dropout_prob"] = AttentionProbsDropoutProb,
            ["classifier_dropout"] = ClassifierDropout,
            ["hidden_act"] = HiddenAct,
            ["pad_token_id"] = PadTokenId,
            ["initializer_range"] = InitializerRange,
            ["id2label"] = id2label,
            ["label2id"] = label2id,
            ["torch_dtype"] = TorchDType,
        };
        Json.Merge(o, Extra);
        return o;
    }

    public static BertConfig FromJson(JsonObject o)
    {
        var architecture = (o["architectures"] as JsonArray)?.FirstOrDefault()?.GetValue<string>();
        var modelType = Json.Str(o, "model_type") ?? (architecture?.StartsWith("Roberta", StringComparison.Ordinal) == true ? "roberta" : "bert");
        var head = architecture switch
        {
            null or "BertForMaskedLM" or "RobertaForMaskedLM" or "BertForPreTraining" or "BertModel" or "RobertaModel" => ModelFamily.MaskedLm,
            "BertForTokenClassification" or "RobertaForTokenClassification" => ModelFamily.TokenClassifier,
            _ => throw new ModelConfigException($"Unknown architecture '{architecture}': expected Bert/RobertaForTokenClassification or Bert/RobertaForMaskedLM."),
        };
        bool roberta = modelType == "roberta";
        string what = $"a {(roberta ? "RoBERTa" : "BERT")} config";
        return new BertConfig
        {
            ModelType = modelType,
            Head = head,
            BodyOnly = architecture is "BertModel" or "RobertaModel",
            VocabSize = Json.Required(o, "vocab_size", what),
            HiddenSize = Json.Required(o, "hidden_size", what),
            IntermediateSize = Json.Required(o, "intermediate_size", what),
            NumHiddenLayers = Json.Required(o, "num_hidden_layers", what),
            NumAttentionHeads = Json.Required(o, "num_attention_heads", what),
            MaxPositionEmbeddings = Json.Required(o, "max_position_embeddings", what),
            TypeVocabSize = Json.Int(o, "type_vocab_size", 2),
            LayerNormEps = Json.Num(o, "layer_norm_eps", 1e-12),
            HiddenDropoutProb = Json.Num(o, "hidden_dropout_prob", 0.1),
            AttentionProbsDropoutProb = Json.Num(o, "attention_probs_dropout_prob", 0.1),
            ClassifierDropout = o["classifier_dropout"] is JsonValue ? Json.Num(o, "classifier_dropout", 0.1) : null,
            HiddenAct = Json.Str(o, "hidden_act") ?? "gelu",
            PadTokenId = Json.Int(o, "pad_token_id", roberta ? 1 : 0),
            InitializerRange = Json.Num(o, "initializer_range", 0.02),
            Labels = ReadLabels(o),
            TorchDType = Json.NormalizeDType(Json.Str(o, "torch_dtype")),
            Extra = Json.Extras(o, KnownKeys),
        };
    }

    private static IReadOnlyList<string> ReadLabels(JsonObject o)
    {
        if (o["id2label"] is JsonObject id2label && id2label.Count > 0)
        {
            var pairs = id2label.Select(kv => (Id: int.Parse(kv.Key, CultureInfo.InvariantCulture), Name: kv.Value?.GetValue<string>() ?? kv.Key)).OrderBy(p => p.Id).ToList();
            if (pairs.Select(p => p.Id).SequenceEqual(Enumerable.Range(0, pairs.Count)) is false)
                throw new ModelConfigException("id2label ids must be 0..n-1.");
            return pairs.Select(p => p.Name).ToArray();
        }
        int n = Json.Int(o, "num_labels", 2);
        return Enumerable.Range(0, n).Select(i => $"LABEL_{i}").ToArray();
    }
}
