using System.Runtime.InteropServices;
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

    /// <summary>
    /// Keeps libtorch's freed tensor memory in the process instead of handing it back to the OS after every batch
    /// (glibc only; elsewhere a no-op that returns false). libtorch allocates CPU tensors with malloc; glibc serves
    /// blocks of a few MB (a BERT batch's activations) with a fresh mmap and unmaps them on free, so every layer of every
    /// batch page-faults and zeroes its outputs anew. Raising the mmap threshold to its maximum (32 MiB) and not trimming
    /// the heap top lets the next batch reuse the same pages, as ONNX Runtime's arena does: measured on minilm-l6 (issue
    /// 15) evaluation ran 18–29% faster (bench/results/perf-encoder-2026-12-01). The cost is that the resident
    /// size stays at its high-water mark: the largest batch when scoring streams (flat in the pool's size, measured to
    /// 1M rows), the largest training step in a process that also trains. Process-wide: the CLI calls it at start.
    /// </summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // M_MMAP_THRESHOLD = -3 (32 MiB is glibc's largest on 64-bit), M_TRIM_THRESHOLD = -1, M_TOP_PAD = -2.
            bool mmap = mallopt(-3, 32 << 20) == 1;
            bool trim = mallopt(-1, int.MaxValue) == 1;
            bool pad = mallopt(-2, 64 << 20) == 1;
            return mmap && trim && pad;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (e.g. musl): its allocator has no such knobs
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);

    public static string Describe() =>
        $"libtorch {torch.__version__}, threads {torch.get_num_threads()}, cuda {(torch.cuda.is_available() ? "yes" : "no")}";
}
