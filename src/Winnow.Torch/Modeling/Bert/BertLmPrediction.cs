using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Winnow.Torch.Modeling;

/// <summary><c>cls.predictions</c>: transform (dense, activation, LayerNorm) then the tied decoder plus <c>bias</c>.</summary>
public sealed class BertLmPrediction : nn.Module<Tensor, Tensor>
{
    private readonly BertLmTransform transform;
    private Parameter bias;

    public BertLmPrediction(BertConfig config, Generator? generator) : base(nameof(BertLmPrediction))
    {
        transform = new BertLmTransform(config, generator);
        bias = new Parameter(zeros(config.VocabSize), requires_grad: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden) => throw new NotSupportedException("Use Predict with the tied decoder weight.");

    public Tensor Predict(Tensor hidden, Tensor decoderWeight)
    {
        using var scope = NewDisposeScope();
        return F.linear(transform.call(hidden), decoderWeight, bias).MoveToOuterDisposeScope();
    }
}
