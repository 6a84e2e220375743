using Winnow.Torch.Modeling;

namespace Winnow.Bench;

/// <summary>Adapter states a benchmark scores under, disposed together.</summary>
internal sealed class StateList(IReadOnlyList<AdapterState> states) : IDisposable
{
    public IReadOnlyList<AdapterState> States { get; } = states;

    public void Dispose()
    {
        foreach (var s in States) s.Dispose();
    }
}
