using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Winnow.Torch.Modeling;

/// <summary>Grouped-query self-attention with rotary positions (<c>self_attn</c>).</summary>
public sealed class LlamaAttention : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    // Typed as plain modules so LoRA can swap a LoraLinear in place.
    private nn.Module<Tensor, Tensor> q_proj;
    private nn.Module<Tensor, Tensor> k_proj;
    private nn.Module<Tensor, Tensor> v_proj;
    private nn.Module<Tensor, Tensor> o_proj;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly double _dropout;

    public LlamaAttention(LlamaConfig config, Generator? generator) : base(nameof(LlamaAttention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        _dropout = config.AttentionDropout;
        double std = config.InitializerRange;
        q_proj = ModelingOps.Linear(config.HiddenSize, _heads * _headDim, false, std, generator);
        k_proj = ModelingOps.Linear(config.HiddenSize, _kvHeads * _headDim, false, std, generator);
        v_proj = ModelingOps.Linear(config.HiddenSize, _kvHeads * _headDim, false, std, generator);
        o_proj = ModelingOps.Linear(_heads * _headDim, config.HiddenSize, false, std, generator);
        RegisterComponents();
    }

    /// <param name="x">[B,T,H] hidden states.</param>
    /// <param name="cos">[B,1,T,D] rotary table.</param>
    /// <param name="sin">[B,1,T,D] rotary table.</param>
    /// <param name="mask">[B,1,T,T] bool, true where attention is allowed.</param>
    public override Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var q = Rotary.Apply(SplitHeads(q_proj.call(x), b, t, _heads), cos, sin);
        var k = Rotary.Apply(SplitHeads(k_proj.call(x), b, t, _kvHeads), cos, sin);
        var v = SplitHeads(v_proj.call(x), b, t, _kvHeads);
        k = RepeatKv(k, _heads / _kvHeads);
        v = RepeatKv(v, _heads / _kvHeads);
        var attended = F.scaled_dot_product_attention(q, k, v, mask, training ? _dropout : 0.0);
        var merged = attended.transpose(1, 2).reshape(b, t, _heads * _headDim);
        return o_proj.call(merged).MoveToOuterDisposeScope();
    }

    private Tensor SplitHeads(Tensor projected, long b, long t, int heads) =>
        projected.view(b, t, heads, _headDim).transpose(1, 2);

    /// <summary>Shares each key/value head among its group of query heads, as Hugging Face's repeat_kv does.</summary>
    internal static Tensor RepeatKv(Tensor kv, int groups)
    {
        if (groups == 1) return kv;
        long b = kv.shape[0], h = kv.shape[1], t = kv.shape[2], d = kv.shape[3];
        return kv.unsqueeze(2).expand(b, h, groups, t, d).reshape(b, h * groups, t, d);
    }
}
