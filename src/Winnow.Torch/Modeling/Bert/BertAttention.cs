using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary><c>attention</c>: self-attention followed by its output block.</summary>
public sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertSelfAttention self;
    private readonly BertResidualOutput output;

    public BertAttention(BertConfig config, Generator? generator) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config, generator);
        output = new BertResidualOutput(config, config.HiddenSize, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return output.call(self.call(x, mask), x).MoveToOuterDisposeScope();
    }
}
