using TorchSharp;

namespace Winnow.Torch.Runtime;

/// <summary>Process-wide libtorch settings: the thread count, and a one-line description for <c>winnow version</c>.</summary>
public static class TorchRuntime
{
    /// <summary>Sets libtorch's intra-op thread count; 0 keeps libtorch's own default.</summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (threads > 0) torch.set_num_threads(threads);
    }

    public static string Describe() =>
        $"libtorch {torch.__version__}, threads {torch.get_num_threads()}, cuda {(torch.cuda.is_available() ? "yes" : "no")}";
}
