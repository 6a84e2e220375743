using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary><c>cls.predictions.transform</c>.</summary>
public sealed class BertLmTransform : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly string _activation;

    public BertLmTransform(BertConfig config, Generator? generator) : base(nameof(BertLmTransform))
    {
        dense = ModelingOps.Linear(config.HiddenSize, config.HiddenSize, true, config.InitializerRange, generator);
        LayerNorm = ModelingOps.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.call(BertOps.Activate(dense.call(hidden), _activation)).MoveToOuterDisposeScope();
    }
}
