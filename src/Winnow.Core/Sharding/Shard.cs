using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Winnow.Core.Sharding;

/// <summary>
/// One shard of a pool: shard <see cref="Index"/> of <see cref="Count"/>. An example belongs to the shard its
/// (source, id) hashes to, so the assignment is the same on every machine, in any order, and needs no coordination.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    public static Shard Whole { get; } = new(0, 1);

    public bool IsWhole => Count == 1;

    public void Validate()
    {
        if (Count < 1) throw new ArgumentOutOfRangeException(nameof(Count), Count, "A pool is split into at least 1 shard.");
        if (Index < 0 || Index >= Count) throw new ArgumentOutOfRangeException(nameof(Index), Index, $"Shard index must be in 0..{Count - 1}.");
    }

    public bool Contains(string source, string id) => IsWhole || Of(source, id, Count) == Index;

    /// <summary>The shard an example belongs to: SHA-256 of "source\0id", first 8 bytes, modulo the shard count.</summary>
    public static int Of(string source, string id, int count)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(source + "\0" + id), hash);
        return (int)(BinaryPrimitives.ReadUInt64LittleEndian(hash) % (ulong)count);
    }

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>
    /// "i/N" as given; "auto/N" (or just N) takes i from the scheduler: Kubernetes Indexed Jobs set
    /// JOB_COMPLETION_INDEX, Slurm job arrays SLURM_ARRAY_TASK_ID, each as it is: the array index is the shard index,
    /// so a rerun of some indices (<c>sbatch --array=1,4 SCRIPT</c>, where SLURM_ARRAY_TASK_MIN is 1) scores those shards.
    /// </summary>
    public static Shard Parse(string text, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var parts = text.Split('/');
        if (parts.Length is < 1 or > 2) throw Bad(text);
        var countText = parts[^1];
        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1) throw Bad(text);
        int index = parts.Length == 2 && parts[0] != "auto"
            ? int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : throw Bad(text)
            : FromScheduler(environment) ?? throw new ArgumentException(
                $"Shard '{text}' takes its index from the scheduler, but neither JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID is set.");
        var shard = new Shard(index, count);
        shard.Validate();
        return shard;
    }

    private static int? FromScheduler(Func<string, string?> environment)
    {
        if (Number(environment("JOB_COMPLETION_INDEX")) is int k8s) return k8s;
        if (Number(environment("SLURM_ARRAY_TASK_ID")) is int slurm) return slurm;
        return null;
    }

    private static int? Number(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : null;

    private static ArgumentException Bad(string text) =>
        new($"Bad shard '{text}': expected i/N (0 ≤ i < N), auto/N or N (index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID).");
}
