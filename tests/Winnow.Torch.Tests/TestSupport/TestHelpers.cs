using TorchSharp;

namespace Winnow.Torch.Tests.TestSupport;

/// <summary>
/// Training tests share libtorch's process-wide state (thread count, global generator), so they run alone rather
/// than beside other test classes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchSerialCollection
{
    public const string Name = "Torch serial";
}

/// <summary>An <see cref="IProgress{T}"/> that records synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
public sealed class RecordingProgress<T> : IProgress<T>
{
    private readonly Action<T>? _onReport;

    public RecordingProgress(Action<T>? onReport = null) => _onReport = onReport;

    public List<T> Reports { get; } = [];

    public void Report(T value)
    {
        Reports.Add(value);
        _onReport?.Invoke(value);
    }
}

public static class LiveTensors
{
    /// <summary>Tensors created on this thread and not yet disposed.</summary>
    public static long Count => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
}

/// <summary>Sets libtorch to one thread for a test (bit-exact reductions), restoring the old count after.</summary>
public sealed class SingleThreaded : IDisposable
{
    private readonly int _previous = torch.get_num_threads();

    public SingleThreaded() => torch.set_num_threads(1);

    public void Dispose() => torch.set_num_threads(_previous);
}
