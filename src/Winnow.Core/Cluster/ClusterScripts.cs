using System.Globalization;
using System.Text;
using YamlDotNet.Serialization;

namespace Winnow.Core.Cluster;

/// <summary>
/// Writes ready-to-submit job definitions for sharded scoring: a Kubernetes Indexed Job (one pod per shard, index in
/// JOB_COMPLETION_INDEX) followed by a merge Job, or a Slurm array script (index in SLURM_ARRAY_TASK_ID) that
/// submits the merge as a dependent job. Winnow brings no cluster of its own.
/// </summary>
public static class ClusterScripts
{
    /// <summary>Two YAML documents: the Indexed Job that scores the shards, then the Job that merges them (apply it once the first completes).</summary>
    public static string KubernetesJobs(ShardedScoring scoring, KubernetesOptions options)
    {
        // The Jobs' names (NAME-score, NAME-merge) become pod labels: DNS-1123 labels of at most 63 characters.
        if (options.Name.Length > 57 || !System.Text.RegularExpressions.Regex.IsMatch(options.Name, "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"))
            throw new ArgumentException($"Job name '{options.Name}' is not one Kubernetes accepts: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 57 characters (NAME-score must fit 63).");
        if (!System.Text.RegularExpressions.Regex.IsMatch(options.VolumeClaim, "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"))
            throw new ArgumentException($"Volume claim '{options.VolumeClaim}' is not a Kubernetes object name (lowercase letters, digits, '-' and '.').");
        var serializer = new SerializerBuilder().DisableAliases().Build();
        var score = Job(options, $"{options.Name}-score", scoring.ShardCommand(), indexed: scoring.Shards);
        var merge = Job(options, $"{options.Name}-merge", scoring.MergeCommand(), indexed: null);
        return serializer.Serialize(score) + "---\n" + serializer.Serialize(merge);
    }

    private static Dictionary<string, object> Job(KubernetesOptions options, string name, IReadOnlyList<string> command, int? indexed)
    {
        var spec = new Dictionary<string, object>
        {
            ["backoffLimit"] = indexed is null ? options.RetriesPerIndex : options.RetriesPerIndex * indexed.Value,
            ["template"] = new Dictionary<string, object>
            {
                ["metadata"] = new Dictionary<string, object> { ["labels"] = new Dictionary<string, object> { ["app"] = options.Name } },
                ["spec"] = new Dictionary<string, object>
                {
                    ["restartPolicy"] = "Never",
                    ["containers"] = new List<object>
                    {
                        new Dictionary<string, object>
                        {
                            ["name"] = "winnow",
                            ["image"] = options.Image,
                            ["command"] = command.ToList(),
                            ["workingDir"] = options.MountPath,
                            ["resources"] = new Dictionary<string, object>
                            {
                                ["requests"] = new Dictionary<string, object> { ["cpu"] = options.Cpu, ["memory"] = options.Memory },
                                ["limits"] = new Dictionary<string, object> { ["memory"] = options.Memory },
                            },
                            ["volumeMounts"] = new List<object> { new Dictionary<string, object> { ["name"] = "data", ["mountPath"] = options.MountPath } },
                        },
                    },
                    ["volumes"] = new List<object>
                    {
                        new Dictionary<string, object>
                        {
                            ["name"] = "data",
                            ["persistentVolumeClaim"] = new Dictionary<string, object> { ["claimName"] = options.VolumeClaim },
                        },
                    },
                },
            },
        };
        if (indexed is int shards)
        {
            spec["completionMode"] = "Indexed";
            spec["completions"] = shards;
            spec["parallelism"] = Math.Min(options.Parallelism ?? shards, shards);
            spec["backoffLimitPerIndex"] = options.RetriesPerIndex;
        }
        return new Dictionary<string, object>
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = new Dictionary<string, object> { ["name"] = name, ["labels"] = new Dictionary<string, object> { ["app"] = options.Name } },
            ["spec"] = spec,
        };
    }

    /// <summary>
    /// A bash script for Slurm. Under <c>sbatch</c> each array task scores shard <c>$SLURM_ARRAY_TASK_ID</c>; run
    /// directly (<c>bash SCRIPT [sbatch options]</c>, outside an array task) it submits itself as the array and then
    /// the merge as a job that starts once every task succeeded — with <c>--array=1,4</c> it reruns only those shards.
    /// </summary>
    public static string SlurmArray(ShardedScoring scoring, SlurmOptions options)
    {
        var sb = new StringBuilder();
        sb.AppendLine("#!/usr/bin/env bash");
        sb.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --job-name={options.Name}");
        var throttle = options.Parallelism is int p ? $"%{p}" : "";
        sb.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --array=0-{scoring.Shards - 1}{throttle}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={options.CpusPerTask}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --mem={options.Memory}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --time={options.Time}");
        if (options.Partition is { } partition) sb.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --partition={partition}");
        sb.AppendLine("#SBATCH --requeue");
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Winnow: scores the pool in {scoring.Shards} shards, one per array task (shard = $SLURM_ARRAY_TASK_ID), then merges.");
        sb.AppendLine("#   bash THIS_SCRIPT [SBATCH OPTIONS]   submits the array, then the merge as a job that starts once every task succeeded");
        sb.AppendLine("#   bash THIS_SCRIPT --array=1,4        reruns only the shards `winnow merge` names as missing (here 1 and 4), then merges");
        sb.AppendLine("#   sbatch THIS_SCRIPT                  the array alone; merge afterwards with: " + ShellJoin(scoring.MergeCommand()));
        sb.AppendLine("set -euo pipefail");
        sb.AppendLine("if [ -z \"${SLURM_ARRAY_TASK_ID:-}\" ]; then");
        sb.AppendLine("  array=\"$(sbatch --parsable \"$@\" \"$0\")\"; array=\"${array%%;*}\"");
        var merge = new List<string>
        {
            "sbatch", "--parsable", $"--job-name={options.Name}-merge", "--dependency=afterok:$array", "--kill-on-invalid-dep=yes",
            $"--mem={options.Memory}", $"--time={options.Time}",
        };
        if (options.Partition is { } p2) merge.Add($"--partition={p2}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  merge=\"$({string.Join(' ', merge.Select(w => w.Contains('$', StringComparison.Ordinal) ? "\"" + w + "\"" : ShellQuote(w)))} --wrap {ShellQuote(ShellJoin(scoring.MergeCommand()))})\"");
        sb.AppendLine("  echo \"Submitted scoring array $array and merge job $merge (it starts once every array task succeeded).\"");
        sb.AppendLine("  exit 0");
        sb.AppendLine("fi");
        sb.AppendLine("# A re-run shard resumes from its last finished chunk; a finished one returns at once.");
        sb.AppendLine(ShellJoin(scoring.ShardCommand()));
        return sb.ToString();
    }

    public static string ShellJoin(IEnumerable<string> words) => string.Join(' ', words.Select(ShellQuote));

    public static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
