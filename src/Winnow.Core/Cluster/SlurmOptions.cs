namespace Winnow.Core.Cluster;

/// <summary>Slurm settings for <see cref="ClusterScripts.SlurmArray"/>.</summary>
public sealed record SlurmOptions(string Name)
{
    public string? Partition { get; init; }
    public string Time { get; init; } = "04:00:00";
    public int CpusPerTask { get; init; } = 4;
    public string Memory { get; init; } = "8G";

    /// <summary>Array tasks running at once (the %N throttle); null = no limit.</summary>
    public int? Parallelism { get; init; }
}
