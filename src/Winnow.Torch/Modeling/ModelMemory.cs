using System.Globalization;

namespace Winnow.Torch.Modeling;

/// <summary>
/// A model's memory need, estimated from its config before any tensor is made: a config that would not fit is refused
/// with the figure instead of growing the process until the kernel kills it without a word.
/// </summary>
public static class ModelMemory
{
    /// <summary>Bytes of the model's float32 weights (models are built in float32, then converted).</summary>
    public static long WeightBytes(IModelConfig config) => checked(ModelConfigs.ParameterCount(config) * sizeof(float));

    /// <summary>The memory this process may use: the machine's, or its container's limit.</summary>
    public static long Available() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Throws <see cref="ModelConfigException"/> when the weights alone need more than <paramref name="availableBytes"/>.</summary>
    public static void EnsureFits(IModelConfig config, long availableBytes)
    {
        long parameters;
        try
        {
            parameters = ModelConfigs.ParameterCount(config);
        }
        catch (OverflowException)
        {
            throw new ModelConfigException("the model's sizes multiply past 2^63 parameters; not a real model.");
        }
        double need = (double)parameters * sizeof(float);
        if (need <= availableBytes) return;
        throw new ModelConfigException(string.Create(CultureInfo.InvariantCulture,
            $"this {config.Architecture} has {Count(parameters)} parameters and needs about {Gib(need)} GiB for its float32 weights alone, more than the {Gib(availableBytes)} GiB of memory this machine has; refused before allocating."));
    }

    private static string Gib(double bytes) => (bytes / (1L << 30)).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Count(long n) => n >= 1_000_000_000 ? (n / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + "B"
        : n >= 1_000_000 ? (n / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + "M"
        : n.ToString(CultureInfo.InvariantCulture);
}
