using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary><c>intermediate</c>: the feed-forward expansion with its activation.</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private nn.Module<Tensor, Tensor> dense;
    private readonly string _activation;

    public BertIntermediate(BertConfig config, Generator? generator) : base(nameof(BertIntermediate))
    {
        dense = ModelingOps.Linear(config.HiddenSize, config.IntermediateSize, true, config.InitializerRange, generator);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return BertOps.Activate(dense.call(x), _activation).MoveToOuterDisposeScope();
    }
}
