namespace Winnow.Core.Cluster;

/// <summary>Kubernetes settings for <see cref="ClusterScripts.KubernetesJobs"/>.</summary>
public sealed record KubernetesOptions(string Name, string Image)
{
    public int? Parallelism { get; init; }

    /// <summary>Retries of one failed index before that index is given up (backoffLimitPerIndex).</summary>
    public int RetriesPerIndex { get; init; } = 3;

    /// <summary>A PersistentVolumeClaim holding the run folder and the data, mounted at <see cref="MountPath"/>.</summary>
    public string VolumeClaim { get; init; } = "winnow-data";

    public string MountPath { get; init; } = "/data";
    public string Cpu { get; init; } = "2";
    public string Memory { get; init; } = "8Gi";
}
