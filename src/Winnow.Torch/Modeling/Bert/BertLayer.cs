using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>One post-LN encoder block (<c>encoder.layer.{i}</c>).</summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;

    public BertLayer(BertConfig config, Generator? generator) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config, generator);
        intermediate = new BertIntermediate(config, generator);
        output = new BertResidualOutput(config, config.IntermediateSize, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.call(x, mask);
        return output.call(intermediate.call(attended), attended).MoveToOuterDisposeScope();
    }
}
