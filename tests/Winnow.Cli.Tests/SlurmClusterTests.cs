using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Winnow.Cli.Tests;

/// <summary>
/// What <c>winnow cluster slurm</c> writes, run on a real single-node Slurm cluster (Debian's slurmctld, slurmd and
/// munge, started by <c>tests/cluster/slurm-cluster.sh</c> under a temporary folder and stopped by their pids): the array
/// tasks score the shards and the dependent job merges them into the scores of an unsharded run; an array task
/// cancelled mid-way leaves its shard missing, the merge job is cancelled with it, <c>winnow merge</c> names that index,
/// and rerunning only that index (<c>bash SCRIPT --array=I</c>) resumes it and merges the same scores.
/// </summary>
[Collection(CliCollection.Name)]
public partial class SlurmClusterTests(ITestOutputHelper log)
{
    private static readonly string Target = CliRunner.Samples("ner", "target"), LabelMap = CliRunner.Samples("ner", "label-map.txt");
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [SlurmFact]
    public void Array_tasks_score_the_shards_the_dependent_job_merges_and_a_cancelled_index_reruns_alone()
    {
        using var dir = new TempDir();
        var watch = Stopwatch.StartNew();
        void Phase(string what) => log.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s  {what}");
        string pool = dir.File("pool.conll");
        // ~29k examples: each DSIR shard writes 4–5 parts (2048 examples a chunk) over a few seconds, so a task can be cancelled mid-way.
        ScaleOutCommandTests.WriteRepeatedPool(pool, CliRunner.Samples("ner", "pool", "wikigold.conll"), copies: 200);
        string whole = dir.File("whole.parquet");
        string[] fit = ["fit", "--method", "dsir", "--target", Target, "--pool", pool, "--task", "ner", "--label-map", LabelMap, "--out"];
        Ok(CliRunner.Run([.. fit, dir.File("run")]));
        Ok(CliRunner.Run("score", "--run", dir.File("run"), "--pool", pool, "--out", whole));
        Ok(CliRunner.Run([.. fit, dir.File("run2")]));

        // The jobs run winnow as a cluster node would: an executable on the node, here the assembly under test.
        string winnow = dir.File("winnow");
        File.WriteAllText(winnow, $"#!/bin/sh\nexec dotnet '{CliRunner.WinnowDll()}' \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(winnow, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var run in new[] { "run", "run2" })
            Ok(CliRunner.Run("cluster", "slurm", "--run", dir.File(run), "--pool", pool, "--shards", "3", "--cpus", "1", "--time", "00:10:00",
                "--name", run, "--winnow", winnow, "--out", dir.File(run + ".sbatch")));

        Phase("fitted, scored unsharded, wrote the scripts");
        var cluster = new SlurmCluster(dir.File("slurm"));
        try
        {
            cluster.Start();
            Phase("cluster up");

            // 1. Submitted as written: three array tasks, then the merge once all three succeeded.
            var (array, merge) = cluster.Submit(dir.Path, dir.File("run.sbatch"));
            Assert.Equal("COMPLETED", cluster.WaitForEnd(merge));
            Assert.Equal(["COMPLETED", "COMPLETED", "COMPLETED"], cluster.TaskStates(array, 3));
            Assert.Equal(ScaleOutCommandTests.Values(whole), ScaleOutCommandTests.Values(Path.Combine(dir.File("run"), "scores.parquet")));
            Phase("array and merge done, equal to the unsharded run");

            // 2. Task 1 cancelled while it is writing its parts: its shard is missing and the merge job never runs.
            string run2 = dir.File("run2");
            string shard1 = Path.Combine(run2, "shards", "scores-0001-of-0003.parquet"), parts1 = shard1 + ".parts";
            (array, merge) = cluster.Submit(dir.Path, dir.File("run2.sbatch"));
            var clock = Stopwatch.StartNew();
            while (!(Directory.Exists(parts1) && Directory.GetFiles(parts1, "part-*.parquet").Length >= 1))
            {
                Assert.True(clock.Elapsed < Patience, "shard 1 wrote no part in time; logs: " + cluster.Logs(dir.Path));
                Thread.Sleep(20);
            }
            cluster.Cancel($"{array}_1");
            Phase("cancelled task 1");
            Assert.False(File.Exists(shard1), "shard 1 finished before it was cancelled; make the pool larger");
            Assert.Equal("CANCELLED", cluster.WaitForEnd($"{array}_1"));
            Assert.Equal("CANCELLED", cluster.WaitForEnd(merge)); // --kill-on-invalid-dep: afterok can no longer be met
            Assert.Equal(["COMPLETED", "CANCELLED", "COMPLETED"], cluster.TaskStates(array, 3));
            Assert.False(File.Exists(shard1));
            Assert.NotEmpty(Directory.GetFiles(parts1, "part-*.parquet"));
            Assert.False(File.Exists(Path.Combine(run2, "scores.parquet")));

            var missing = CliRunner.Run("merge", run2);
            Assert.Equal(3, missing.ExitCode);
            var named = MissingShards().Match(missing.Error);
            Assert.True(named.Success, missing.Error);
            Assert.Equal("1", named.Groups[1].Value);

            // 3. Only the index merge named, resubmitted: it resumes from its parts, and the merge follows.
            Phase("the other tasks done, merge cancelled, merge names shard 1");
            (array, merge) = cluster.Submit(dir.Path, dir.File("run2.sbatch"), $"--array={named.Groups[1].Value}");
            Assert.Equal("COMPLETED", cluster.WaitForEnd(merge));
            Assert.Equal(["COMPLETED"], cluster.TaskStates(array, 1));
            Assert.Single(cluster.Tasks(array)); // one task: shards 0 and 2 were not scored again
            Assert.False(Directory.Exists(parts1));
            Assert.Equal(ScaleOutCommandTests.Values(whole), ScaleOutCommandTests.Values(Path.Combine(run2, "scores.parquet")));
            Phase("shard 1 rerun alone, merged, equal again");
        }
        finally
        {
            cluster.Stop();
            Phase("cluster stopped");
        }
        Assert.All(cluster.Pids, pid => Assert.False(Alive(pid), $"daemon {pid} still runs after stop"));
    }

    [GeneratedRegex(@"missing shards: ([0-9 ]+)")]
    private static partial Regex MissingShards();

    private static bool Alive(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }

    private static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}");
        return result;
    }

    /// <summary>The cluster of <c>tests/cluster/slurm-cluster.sh</c> in one folder, and the Slurm commands run against it.</summary>
    private sealed partial class SlurmCluster(string folder)
    {
        private static readonly string Script = Path.Combine(CliRunner.RepoRoot, "tests", "cluster", "slurm-cluster.sh");
        private readonly string _conf = Path.Combine(Directory.CreateDirectory(folder).FullName, "slurm.conf");

        public List<int> Pids { get; } = [];

        public void Start()
        {
            var (code, output, error) = Shell(folder, "bash", Script, "start", folder);
            Assert.True(code == 0, $"slurm-cluster.sh start: exit {code}: {error}{output}");
            foreach (var name in new[] { "munged", "slurmctld", "slurmd" })
                Pids.Add(int.Parse(File.ReadAllText(Path.Combine(folder, name + ".pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture));
        }

        public void Stop() => Shell(folder, "bash", Script, "stop", folder);

        /// <summary>Runs the generated script with bash (it submits itself and the merge); returns both job ids.</summary>
        public (string Array, string Merge) Submit(string cwd, string script, params string[] options)
        {
            var (code, output, error) = Shell(cwd, ["bash", script, .. options]);
            Assert.True(code == 0, $"bash {script}: exit {code}: {error}");
            var ids = Submitted().Match(output);
            Assert.True(ids.Success, output);
            return (ids.Groups[1].Value, ids.Groups[2].Value);
        }

        public void Cancel(string job)
        {
            var (code, _, error) = Shell(folder, "scancel", job);
            Assert.True(code == 0, $"scancel {job}: {error}");
        }

        /// <summary>Each record of a job (an array job has one per task, or one for its still-pending tasks): task id and state.</summary>
        public List<(string Task, string State)> Tasks(string job)
        {
            var (code, output, error) = Shell(folder, "scontrol", "show", "job", job, "-o");
            Assert.True(code == 0, $"scontrol show job {job}: {error}");
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => (Field(line, "ArrayTaskId") ?? "", Field(line, "JobState") ?? "?")).ToList();
        }

        /// <summary>The states of tasks 0..n-1 of an array job, ordered by index.</summary>
        public List<string> TaskStates(string array, int n) =>
            Tasks(array).OrderBy(t => int.TryParse(t.Task, out int i) ? i : int.MaxValue).Select(t => t.State).Take(n).ToList();

        /// <summary>Waits until every record of the job has ended, and returns its state (the one state they share, else all of them).</summary>
        public string WaitForEnd(string job)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var states = Tasks(job).Select(t => t.State).Distinct().ToList();
                if (states.All(s => s is not ("PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING" or "REQUEUED" or "RESIZING" or "SUSPENDED")))
                    return string.Join(",", states);
                Assert.True(clock.Elapsed < Patience, $"job {job} still {string.Join(",", states)} after {Patience}; logs: {Logs(folder)}");
                Thread.Sleep(200);
            }
        }

        /// <summary>The jobs' output files in <paramref name="cwd"/> and the daemons' logs, for a failure message.</summary>
        public string Logs(string cwd) =>
            string.Join("\n", Directory.GetFiles(cwd, "slurm-*.out").Concat(Directory.GetFiles(Path.Combine(folder, "log")))
                .Select(f => $"--- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(15))}"));

        private (int Code, string Output, string Error) Shell(string cwd, params string[] command)
        {
            var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd };
            foreach (var a in command[1..]) start.ArgumentList.Add(a);
            start.Environment["SLURM_CONF"] = _conf;
            start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") + ":/usr/sbin:/sbin";
            foreach (var key in new[] { "SLURM_ARRAY_TASK_ID", "SLURM_JOB_ID", "JOB_COMPLETION_INDEX" }) start.Environment.Remove(key);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error.Result);
        }

        private static string? Field(string line, string name)
        {
            var m = Regex.Match(line, $@"(?:^| ){name}=(\S+)");
            return m.Success ? m.Groups[1].Value : null;
        }

        [GeneratedRegex(@"Submitted scoring array (\d+) and merge job (\d+)")]
        private static partial Regex Submitted();
    }
}
