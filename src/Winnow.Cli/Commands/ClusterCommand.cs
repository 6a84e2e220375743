using System.CommandLine;
using Winnow.Core.Cluster;
using Winnow.Core.IO;

namespace Winnow.Cli.Commands;

/// <summary><c>winnow cluster k8s|slurm</c>: writes the job definitions that score a pool in shards under an existing scheduler.</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var command = new Command("cluster", "Write a Kubernetes Indexed Job or a Slurm array script that scores a run's pool in shards, then merges.");
        command.Subcommands.Add(Kubernetes());
        command.Subcommands.Add(Slurm());
        return command;
    }

    private sealed record Common(Option<string> Run, Option<string[]> Pool, Option<int> Shards, Option<string> Name, Option<string> Out, Option<string> Winnow, Option<int?> Parallelism)
    {
        public static Common Create(Command command, string defaultOut)
        {
            var c = new Common(
                new Option<string>("--run") { Description = "Run folder as the job sees it (from `winnow fit`).", Required = true },
                new Option<string[]>("--pool") { Description = "Pool files/folders as the job sees them.", Required = true, AllowMultipleArgumentsPerToken = true },
                new Option<int>("--shards") { Description = "Number of shards (array tasks / completions).", Required = true },
                new Option<string>("--name") { Description = "Job name.", DefaultValueFactory = _ => "winnow" },
                new Option<string>("--out") { Description = "File to write.", DefaultValueFactory = _ => defaultOut },
                new Option<string>("--winnow") { Description = "The winnow command inside the job's environment.", DefaultValueFactory = _ => "winnow" },
                new Option<int?>("--parallelism") { Description = "Shards running at once (default: all)." });
            foreach (var o in new Option[] { c.Run, c.Pool, c.Shards, c.Name, c.Out, c.Winnow, c.Parallelism }) command.Options.Add(o);
            return c;
        }

        public ShardedScoring Scoring(ParseResult r) =>
            new(r.GetValue(Run)!, ["--pool", .. r.GetValue(Pool)!], r.GetValue(Shards)) { Winnow = r.GetValue(Winnow)! };

        public void Write(ParseResult r, string text, string how)
        {
            var path = r.GetValue(Out)!;
            AtomicFile.WriteText(path, w => w.Write(text));
            Console.WriteLine($"Wrote {path}. {how}");
        }
    }

    private static Command Kubernetes()
    {
        var command = new Command("k8s", "Kubernetes: an Indexed Job scoring one shard per pod (JOB_COMPLETION_INDEX), and a merge Job.");
        var common = Common.Create(command, "winnow-jobs.yaml");
        var image = new Option<string>("--image") { Description = "Container image with winnow.", Required = true };
        var claim = new Option<string>("--volume-claim") { Description = "PersistentVolumeClaim holding data and run folder.", DefaultValueFactory = _ => "winnow-data" };
        var mount = new Option<string>("--mount") { Description = "Where the claim is mounted.", DefaultValueFactory = _ => "/data" };
        var retries = new Option<int>("--retries") { Description = "Retries per failed index (backoffLimitPerIndex).", DefaultValueFactory = _ => 3 };
        foreach (var o in new Option[] { image, claim, mount, retries }) command.Options.Add(o);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            var options = new KubernetesOptions(r.GetValue(common.Name)!, r.GetValue(image)!)
            {
                Parallelism = r.GetValue(common.Parallelism), VolumeClaim = r.GetValue(claim)!, MountPath = r.GetValue(mount)!, RetriesPerIndex = r.GetValue(retries),
            };
            common.Write(r, ClusterScripts.KubernetesJobs(common.Scoring(r), options),
                "Apply the first document (kubectl apply -f, or split at ---); when it completes, apply the merge Job.");
            return 0;
        }));
        return command;
    }

    private static Command Slurm()
    {
        var command = new Command("slurm", "Slurm: an array script scoring one shard per task (SLURM_ARRAY_TASK_ID); run with bash, it submits the array and a dependent merge job.");
        var common = Common.Create(command, "winnow-score.sbatch");
        var partition = new Option<string?>("--partition") { Description = "Slurm partition." };
        var time = new Option<string>("--time") { Description = "Time limit per task.", DefaultValueFactory = _ => "04:00:00" };
        var cpus = new Option<int>("--cpus") { Description = "CPUs per task.", DefaultValueFactory = _ => 4 };
        foreach (var o in new Option[] { partition, time, cpus }) command.Options.Add(o);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            var options = new SlurmOptions(r.GetValue(common.Name)!)
            {
                Partition = r.GetValue(partition), Time = r.GetValue(time)!, CpusPerTask = r.GetValue(cpus), Parallelism = r.GetValue(common.Parallelism),
            };
            common.Write(r, ClusterScripts.SlurmArray(common.Scoring(r), options), "`bash` it to submit the array and the merge that follows it (`sbatch` it for the array alone); its header says how to rerun shards.");
            return 0;
        }));
        return command;
    }
}
