using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Methods.Less;

/// <summary>A checkpoint held in memory for scoring: its adapter and its flattened Adam moments.</summary>
internal sealed class CheckpointState(AdapterState adapter, Tensor m, Tensor v) : IDisposable
{
    public AdapterState Adapter { get; } = adapter;
    public Tensor M { get; } = m;
    public Tensor V { get; } = v;

    public void Dispose()
    {
        Adapter.Dispose();
        M.Dispose();
        V.Dispose();
    }
}
