namespace Winnow.Cli.Tests;

/// <summary>A fact that needs a Slurm cluster of its own: root and Debian's slurmctld, slurmd, slurm-client and munge; skipped, with the reason, elsewhere.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) { Skip = "Slurm test clusters run on Linux only."; return; }
        if (Environment.UserName != "root")
        {
            Skip = "starting a Slurm cluster (slurmd runs jobs as their submitter) needs root; test.sh, run as root, also installs the packages.";
            return;
        }
        var missing = new[] { "/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/scontrol", "/usr/bin/scancel", "/usr/bin/sinfo" }
            .Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
            Skip = $"Slurm is not installed ({string.Join(", ", missing)} missing; test.sh installs Debian's slurmctld, slurmd, slurm-client and munge when run as root with apt).";
    }
}
