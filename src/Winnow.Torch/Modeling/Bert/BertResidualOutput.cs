using TorchSharp.Modules;
using static TorchSharp.torch;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Modeling;

/// <summary>Projection, dropout and post-residual LayerNorm (<c>attention.output</c> and <c>output</c> share this shape).</summary>
public sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private nn.Module<Tensor, Tensor> dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertResidualOutput(BertConfig config, int inFeatures, Generator? generator) : base(nameof(BertResidualOutput))
    {
        dense = ModelingOps.Linear(inFeatures, config.HiddenSize, true, config.InitializerRange, generator);
        LayerNorm = ModelingOps.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.call(dropout.call(dense.call(x)).Plus(residual)).MoveToOuterDisposeScope();
    }
}
