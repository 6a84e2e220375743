using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.FineTuning;

/// <summary>
/// A copy of a model's trainable parameters at its best validation loss so far, restored at the end of fine-tuning
/// (<see cref="FineTuneOptions.SelectEpoch"/>). Only trainable tensors are kept: frozen ones cannot have changed.
/// </summary>
internal sealed class BestWeights(IPretrainedModel model) : IDisposable
{
    private readonly List<(Tensor Parameter, Tensor Copy)> _copies = [];
    private double _bestLoss = double.PositiveInfinity;
    private int _bestEpoch;

    /// <summary>Keeps a copy when <paramref name="loss"/> is the lowest seen (a NaN loss never is).</summary>
    public void Offer(double loss, int epoch)
    {
        if (!(loss < _bestLoss)) return;
        _bestLoss = loss;
        _bestEpoch = epoch;
        using var _ = no_grad();
        var trainable = model.Module.parameters().Where(p => p.requires_grad).ToList();
        if (_copies.Count == 0)
            foreach (var p in trainable) _copies.Add((p, p.detach().clone().DetachFromDisposeScope()));
        else
            foreach (var (p, copy) in _copies) copy.copy_(p);
    }

    /// <summary>Puts the best epoch's weights back; returns that epoch (1-based), or 0 when none was offered.</summary>
    public int Restore()
    {
        using var _ = no_grad();
        foreach (var (p, copy) in _copies) p.copy_(copy);
        return _bestEpoch;
    }

    public void Dispose()
    {
        foreach (var (_, copy) in _copies) copy.Dispose();
        _copies.Clear();
    }
}
