using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// The encoder body shared by both heads (<c>bert</c>, or <c>roberta</c> in RoBERTa checkpoints), without
/// the pooler: token-level heads never use it. Returns hidden states [B,T,H].
/// </summary>
public sealed class BertModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;

    public BertModel(BertConfig config, Generator? generator) : base(nameof(BertModel))
    {
        embeddings = new BertEmbeddings(config, generator);
        encoder = new BertEncoder(config, generator);
        RegisterComponents();
    }

    public BertEmbeddings Embeddings => embeddings;

    public int LayerCount => encoder.Count;

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var mask = ModelingOps.AttentionMask(attentionMask, causal: false);
        return encoder.call(embeddings.call(inputIds, attentionMask), mask).MoveToOuterDisposeScope();
    }

    /// <summary>The hidden states entering block <paramref name="layer"/>.</summary>
    public Tensor HiddenBefore(Tensor inputIds, Tensor attentionMask, int layer)
    {
        using var scope = NewDisposeScope();
        var mask = ModelingOps.AttentionMask(attentionMask, causal: false);
        return encoder.Run(embeddings.call(inputIds, attentionMask), mask, 0, layer).MoveToOuterDisposeScope();
    }

    /// <summary>Blocks <paramref name="layer"/>.. on hidden states that entered block <paramref name="layer"/>.</summary>
    public Tensor From(Tensor hidden, Tensor attentionMask, int layer)
    {
        using var scope = NewDisposeScope();
        var mask = ModelingOps.AttentionMask(attentionMask, causal: false);
        return encoder.Run(hidden, mask, layer, encoder.Count).MoveToOuterDisposeScope();
    }
}
