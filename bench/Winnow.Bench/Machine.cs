using TorchSharp;

namespace Winnow.Bench;

public static class Machine
{
    public static string Describe()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        return $"{cpu}, {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, libtorch {torch.__version__}";
    }

    public static string ShortName() => $"{Environment.ProcessorCount}core";
}
