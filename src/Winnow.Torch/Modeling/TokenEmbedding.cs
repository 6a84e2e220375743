using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// A lookup table whose single parameter is a managed field named <c>weight</c>, so its state-dict key
/// matches Hugging Face's and it converts and ties like any other parameter.
/// </summary>
public sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    private Parameter weight;

    public TokenEmbedding(long count, long dim, double std, Generator? generator) : base(nameof(TokenEmbedding))
    {
        weight = new Parameter(empty(count, dim).normal_(0, std, generator), requires_grad: true);
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var flat = weight.index_select(0, ids.reshape(-1));
        return flat.view([.. ids.shape, weight.shape[1]]).MoveToOuterDisposeScope();
    }
}
