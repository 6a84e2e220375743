using TorchSharp;

namespace Winnow.Torch.Tests.TestSupport;

/// <summary>Sets libtorch to one thread for a test (bit-exact reductions), restoring the old count after.</summary>
public sealed class SingleThreaded : IDisposable
{
    private readonly int _previous = torch.get_num_threads();

    public SingleThreaded() => torch.set_num_threads(1);

    public void Dispose() => torch.set_num_threads(_previous);
}
