using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Winnow.Torch.Modeling;

/// <summary>Multi-head self-attention projections (<c>attention.self</c>).</summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private nn.Module<Tensor, Tensor> query;
    private nn.Module<Tensor, Tensor> key;
    private nn.Module<Tensor, Tensor> value;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _dropout;

    public BertSelfAttention(BertConfig config, Generator? generator) : base(nameof(BertSelfAttention))
    {
        _heads = config.NumAttentionHeads;
        _headDim = config.HeadDim;
        _dropout = config.AttentionProbsDropoutProb;
        double std = config.InitializerRange;
        query = ModelingOps.Linear(config.HiddenSize, config.HiddenSize, true, std, generator);
        key = ModelingOps.Linear(config.HiddenSize, config.HiddenSize, true, std, generator);
        value = ModelingOps.Linear(config.HiddenSize, config.HiddenSize, true, std, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var q = Split(query.call(x), b, t);
        var k = Split(key.call(x), b, t);
        var v = Split(value.call(x), b, t);
        var attended = F.scaled_dot_product_attention(q, k, v, mask, training ? _dropout : 0.0);
        return attended.transpose(1, 2).reshape(b, t, _heads * _headDim).MoveToOuterDisposeScope();
    }

    private Tensor Split(Tensor projected, long b, long t) => projected.view(b, t, _heads, _headDim).transpose(1, 2);
}
