using TorchSharp;

namespace Winnow.Torch.Runtime;

/// <summary>Process-wide libtorch settings: device choice and thread count, kept as parameters so CUDA works unchanged where present.</summary>
public static class TorchRuntime
{
    /// <summary>Parses "cpu", "cuda", "cuda:1"; "auto" picks CUDA when libtorch has it.</summary>
    public static torch.Device ParseDevice(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name == "auto")
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        try
        {
            return new torch.Device(name);
        }
        catch (Exception e)
        {
            throw new ArgumentException($"Unknown device '{name}': expected cpu, cuda, cuda:N or auto.", nameof(name), e);
        }
    }

    /// <summary>Sets libtorch's intra-op thread count; 0 keeps libtorch's own default.</summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (threads > 0) torch.set_num_threads(threads);
    }

    public static string Describe() =>
        $"libtorch {torch.__version__}, threads {torch.get_num_threads()}, cuda {(torch.cuda.is_available() ? "yes" : "no")}";
}
