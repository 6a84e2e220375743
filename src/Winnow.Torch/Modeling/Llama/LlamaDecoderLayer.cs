using static TorchSharp.torch;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Modeling;

/// <summary>One pre-norm transformer block (<c>model.layers.{i}</c>).</summary>
public sealed class LlamaDecoderLayer : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly RmsNorm input_layernorm;
    private readonly LlamaAttention self_attn;
    private readonly RmsNorm post_attention_layernorm;
    private readonly LlamaMlp mlp;

    public LlamaDecoderLayer(LlamaConfig config, Generator? generator) : base(nameof(LlamaDecoderLayer))
    {
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        self_attn = new LlamaAttention(config, generator);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        mlp = new LlamaMlp(config, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var h = x.Plus(self_attn.call(input_layernorm.call(x), cos, sin, mask));
        var y = h.Plus(mlp.call(post_attention_layernorm.call(h)));
        return y.MoveToOuterDisposeScope();
    }
}
