namespace Winnow.Torch.Modeling;

/// <summary>Named sizes for self-made base models, small enough to pretrain and fine-tune on a CPU.</summary>
public static class ModelPresets
{
    public static IReadOnlyList<string> Names { get; } = ["tiny", "small", "medium", "large"];

    /// <summary>
    /// A Llama config. Outside the (tied) embeddings: tiny = 128 hidden, 2 layers, 4 heads (2 kv), ≈0.4M parameters;
    /// small = 256 hidden, 4 layers, 8 heads (4 kv), ≈2.9M; medium = 384 hidden, 6 layers, 6 heads (3 kv), ≈9.7M;
    /// large = 512 hidden, 8 layers, 8 heads (4 kv), ≈23M. docs/base-models.md has what each reaches on this machine.
    /// </summary>
    public static LlamaConfig Llama(string preset, int vocabSize)
    {
        var (hidden, intermediate, layers, heads, kvHeads, positions) = preset switch
        {
            "tiny" => (128, 344, 2, 4, 2, 512),
            "small" => (256, 688, 4, 8, 4, 1024),
            "medium" => (384, 1024, 6, 6, 3, 1024),
            "large" => (512, 1376, 8, 8, 4, 1024),
            _ => throw UnknownPreset(preset),
        };
        return new LlamaConfig
        {
            VocabSize = vocabSize, HiddenSize = hidden, IntermediateSize = intermediate, NumHiddenLayers = layers,
            NumAttentionHeads = heads, NumKeyValueHeads = kvHeads, MaxPositionEmbeddings = positions, TieWordEmbeddings = true,
            RmsNormEps = 1e-5, PadTokenId = null, BosTokenId = null, EosTokenId = null,
        };
    }

    /// <summary>
    /// A BERT config: tiny = 128 hidden, 2 layers, 4 heads; small = 256 hidden, 4 layers, 4 heads; medium = 384 hidden,
    /// 6 layers, 6 heads; large = 512 hidden, 8 layers, 8 heads.
    /// <paramref name="labels"/> given: a token classifier over them; null: a masked LM (for pretraining the body).
    /// </summary>
    public static BertConfig Bert(string preset, int vocabSize, IReadOnlyList<string>? labels = null, int padTokenId = 0)
    {
        var (hidden, layers, heads, intermediate) = preset switch
        {
            "tiny" => (128, 2, 4, 512),
            "small" => (256, 4, 4, 1024),
            "medium" => (384, 6, 6, 1536),
            "large" => (512, 8, 8, 2048),
            _ => throw UnknownPreset(preset),
        };
        return new BertConfig
        {
            VocabSize = vocabSize, HiddenSize = hidden, NumHiddenLayers = layers, NumAttentionHeads = heads,
            IntermediateSize = intermediate, MaxPositionEmbeddings = 512, PadTokenId = padTokenId,
            Head = labels is null ? ModelFamily.MaskedLm : ModelFamily.TokenClassifier,
            Labels = labels ?? ["LABEL_0", "LABEL_1"],
        };
    }

    private static ArgumentException UnknownPreset(string preset) =>
        new($"Unknown model preset '{preset}': expected one of {string.Join(", ", Names)}.", nameof(preset));
}
