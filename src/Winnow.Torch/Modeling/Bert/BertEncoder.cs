using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary><c>encoder</c>: the stack of layers.</summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config, Generator? generator) : base(nameof(BertEncoder))
    {
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config, generator)).ToArray());
        RegisterComponents();
    }

    public int Count => layer.Count;

    public override Tensor forward(Tensor x, Tensor mask) => Run(x, mask, 0, layer.Count);

    /// <summary>Blocks <paramref name="from"/> to <paramref name="to"/> − 1 on <paramref name="x"/>.</summary>
    public Tensor Run(Tensor x, Tensor mask, int from, int to)
    {
        using var scope = NewDisposeScope();
        for (int i = from; i < to; i++) x = layer[i].call(x, mask);
        // With no block to run, x is the caller's tensor: hand back an alias the caller may dispose on its own.
        return (from >= to ? x.alias() : x).MoveToOuterDisposeScope();
    }
}
