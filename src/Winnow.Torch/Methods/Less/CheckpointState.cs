using System.Diagnostics;
using System.Globalization;
using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Core.Runs;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Torch.Methods.Common;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;
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
