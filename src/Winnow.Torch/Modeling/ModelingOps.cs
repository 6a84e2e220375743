using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>Weight initialisation and tensor plumbing shared by both families.</summary>
internal static class ModelingOps
{
    /// <summary>A bias-free or biased linear layer initialised as Hugging Face does: N(0, std) weights, zero bias.</summary>
    public static Linear Linear(long inFeatures, long outFeatures, bool bias, double std, Generator? generator)
    {
        var linear = nn.Linear(inFeatures, outFeatures, hasBias: bias);
        using (no_grad())
        {
            linear.weight.normal_(0, std, generator);
            linear.bias?.zero_();
        }
        return linear;
    }

    public static LayerNorm LayerNorm(long dim, double eps) => nn.LayerNorm(dim, eps);

    /// <summary>Refuses a block index outside 0..<paramref name="layerCount"/> (the count itself: after the last block).</summary>
    public static void CheckLayer(int layer, int layerCount)
    {
        if (layer < 0 || layer > layerCount) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"The model has {layerCount} layers.");
    }

    /// <summary>
    /// Boolean attention mask [B,1,T,T], true where a query may look at a key. Every query may always see
    /// itself, so fully padded rows stay finite (their outputs are never read) instead of softmaxing over nothing.
    /// </summary>
    public static Tensor AttentionMask(Tensor attentionMask, bool causal)
    {
        using var scope = NewDisposeScope();
        long t = attentionMask.shape[1];
        var keyReal = attentionMask.to_type(ScalarType.Bool).view(attentionMask.shape[0], 1, 1, t);
        var self = eye(t, dtype: ScalarType.Bool, device: attentionMask.device);
        var allowed = causal ? keyReal.logical_and(ones(t, t, dtype: ScalarType.Bool, device: attentionMask.device).tril()) : keyReal;
        return allowed.logical_or(self).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log p(target) at the positions <see cref="Batch.TargetMask"/> selects, zero elsewhere. The projection to
    /// the output vocabulary runs only on the selected rows, so prompt and padding positions cost nothing there.
    /// </summary>
    public static Tensor TargetLogProbs(Tensor hidden, Batch batch, Func<Tensor, Tensor> project)
    {
        using var scope = NewDisposeScope();
        long b = hidden.shape[0], t = hidden.shape[1], h = hidden.shape[2];
        var index = batch.TargetMask.to_type(ScalarType.Bool).reshape(-1).nonzero().squeeze(1);
        var rows = hidden.reshape(b * t, h).index_select(0, index);
        var logProbs = project(rows).to_type(ScalarType.Float32).log_softmax(-1);
        var targets = batch.Targets.reshape(-1).index_select(0, index).to_type(ScalarType.Int64).unsqueeze(1);
        var picked = logProbs.gather(1, targets).squeeze(1);
        var result = zeros(b * t, dtype: ScalarType.Float32, device: hidden.device).index_copy(0, index, picked);
        return result.view(b, t).MoveToOuterDisposeScope();
    }
}
