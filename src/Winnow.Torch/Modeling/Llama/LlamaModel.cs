using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>The decoder body (<c>model</c>): embeddings, layers, final norm. Returns hidden states [B,T,H].</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TokenEmbedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly RmsNorm norm;
    private readonly LlamaConfig _config;

    public LlamaModel(LlamaConfig config, Generator? generator) : base(nameof(LlamaModel))
    {
        _config = config;
        embed_tokens = new TokenEmbedding(config.VocabSize, config.HiddenSize, config.InitializerRange, generator);
        layers = new ModuleList<LlamaDecoderLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new LlamaDecoderLayer(config, generator)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }

    public TokenEmbedding EmbedTokens => embed_tokens;

    public int LayerCount => layers.Count;

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var h = embed_tokens.call(inputIds);
        return norm.call(Run(h, attentionMask, 0, layers.Count)).MoveToOuterDisposeScope();
    }

    /// <summary>The hidden states entering block <paramref name="layer"/> (before the final norm).</summary>
    public Tensor HiddenBefore(Tensor inputIds, Tensor attentionMask, int layer)
    {
        using var scope = NewDisposeScope();
        return Run(embed_tokens.call(inputIds), attentionMask, 0, layer).MoveToOuterDisposeScope();
    }

    /// <summary>Blocks <paramref name="layer"/>.. and the final norm on hidden states that entered block <paramref name="layer"/>.</summary>
    public Tensor From(Tensor hidden, Tensor attentionMask, int layer)
    {
        using var scope = NewDisposeScope();
        return norm.call(Run(hidden, attentionMask, layer, layers.Count)).MoveToOuterDisposeScope();
    }

    private Tensor Run(Tensor h, Tensor attentionMask, int from, int to)
    {
        using var scope = NewDisposeScope();
        if (from >= to) return h.alias().MoveToOuterDisposeScope();
        var (cos, sin) = Rotary.CosSin(Rotary.PositionsFromMask(attentionMask), _config.HeadDim, _config.RopeTheta, h.dtype);
        var mask = ModelingOps.AttentionMask(attentionMask, causal: true);
        for (int i = from; i < to; i++) h = layers[i].call(h, cos, sin, mask);
        return h.MoveToOuterDisposeScope();
    }
}
