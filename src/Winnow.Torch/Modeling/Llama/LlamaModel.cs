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

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var h = embed_tokens.call(inputIds);
        var (cos, sin) = Rotary.CosSin(Rotary.PositionsFromMask(attentionMask), _config.HeadDim, _config.RopeTheta, h.dtype);
        var mask = ModelingOps.AttentionMask(attentionMask, causal: true);
        foreach (var layer in layers) h = layer.call(h, cos, sin, mask);
        return norm.call(h).MoveToOuterDisposeScope();
    }
}
