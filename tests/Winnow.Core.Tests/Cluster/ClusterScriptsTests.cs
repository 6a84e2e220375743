using Winnow.Core.Cluster;
using YamlDotNet.RepresentationModel;

namespace Winnow.Core.Tests.Cluster;

public class ClusterScriptsTests
{
    private static readonly ShardedScoring Scoring = new("/data/run", ["--pool", "/data/pool dir", "--batch-size", "64"], shards: 12);

    private static List<YamlMappingNode> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlNode At(YamlNode node, params object[] path)
    {
        foreach (var step in path)
            node = step is int i ? ((YamlSequenceNode)node).Children[i] : ((YamlMappingNode)node).Children[new YamlScalarNode((string)step)];
        return node;
    }

    private static string Scalar(YamlNode node, params object[] path) => ((YamlScalarNode)At(node, path)).Value!;

    [Fact]
    public void KubernetesIndexedJobHasTheFieldsKubernetesRequires()
    {
        var yaml = ClusterScripts.KubernetesJobs(Scoring, new KubernetesOptions("sel", "registry.example/winnow:1") { Parallelism = 4, RetriesPerIndex = 2 });
        var docs = Documents(yaml);
        Assert.Equal(2, docs.Count);
        var job = docs[0];
        Assert.Equal("batch/v1", Scalar(job, "apiVersion"));
        Assert.Equal("Job", Scalar(job, "kind"));
        Assert.Equal("sel-score", Scalar(job, "metadata", "name"));
        Assert.Equal("Indexed", Scalar(job, "spec", "completionMode"));
        Assert.Equal("12", Scalar(job, "spec", "completions"));
        Assert.Equal("4", Scalar(job, "spec", "parallelism"));
        Assert.Equal("2", Scalar(job, "spec", "backoffLimitPerIndex"));
        Assert.Equal("Never", Scalar(job, "spec", "template", "spec", "restartPolicy"));
        var container = At(job, "spec", "template", "spec", "containers", 0);
        Assert.Equal("registry.example/winnow:1", Scalar(container, "image"));
        var command = ((YamlSequenceNode)At(container, "command")).Children.Select(c => ((YamlScalarNode)c).Value).ToList();
        Assert.Equal(["winnow", "score", "--run", "/data/run", "--pool", "/data/pool dir", "--batch-size", "64", "--shard", "auto/12"], command);
        Assert.Equal("data", Scalar(container, "volumeMounts", 0, "name"));
        Assert.Equal("winnow-data", Scalar(job, "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim", "claimName"));

        var merge = docs[1];
        Assert.Equal("sel-merge", Scalar(merge, "metadata", "name"));
        Assert.False(((YamlMappingNode)At(merge, "spec")).Children.ContainsKey(new YamlScalarNode("completionMode")));
        Assert.Equal("merge", Scalar(merge, "spec", "template", "spec", "containers", 0, "command", 1));
    }

    [Fact]
    public void SlurmArrayCoversEveryShardAndQuotesArguments()
    {
        var script = ClusterScripts.SlurmArray(Scoring, new SlurmOptions("sel") { Partition = "cpu", Parallelism = 3 });
        var lines = script.Split('\n');
        Assert.Equal("#!/usr/bin/env bash", lines[0]);
        Assert.Contains("#SBATCH --array=0-11%3", lines);
        Assert.Contains("#SBATCH --partition=cpu", lines);
        Assert.Contains("winnow score --run /data/run --pool '/data/pool dir' --batch-size 64 --shard auto/12", lines);
        Assert.Contains(lines, l => l.Contains("--dependency=afterok", StringComparison.Ordinal) && l.Contains("winnow merge /data/run", StringComparison.Ordinal));
    }

    [Fact]
    public void SlurmScriptRunOutsideAnArraySubmitsTheArrayAndADependentMerge()
    {
        using var dir = new TempDir();
        string log = Path.Combine(dir.Path, "sbatch.log"), script = Path.Combine(dir.Path, "score.sbatch");
        // A stand-in sbatch on PATH records its arguments and answers with a job id, as `sbatch --parsable` does.
        File.WriteAllText(Path.Combine(dir.Path, "sbatch"), $"#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >>'{log}'\necho '41;cluster'\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(dir.Path, "sbatch"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(script, ClusterScripts.SlurmArray(Scoring, new SlurmOptions("sel") { Partition = "cpu" }));
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir.Path };
        foreach (var a in new[] { script, "--array=1,4" }) start.ArgumentList.Add(a);
        start.Environment["PATH"] = dir.Path + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment.Remove("SLURM_ARRAY_TASK_ID");
        using var bash = System.Diagnostics.Process.Start(start)!;
        string output = bash.StandardOutput.ReadToEnd(), error = bash.StandardError.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0, error);
        var calls = File.ReadAllLines(log);
        Assert.Equal(2, calls.Length);
        Assert.Equal($"--parsable --array=1,4 {script}", calls[0]);
        Assert.Equal("--parsable --job-name=sel-merge --dependency=afterok:41 --kill-on-invalid-dep=yes --mem=8G --time=04:00:00 --partition=cpu --wrap winnow merge /data/run", calls[1]);
        Assert.Contains("Submitted scoring array 41 and merge job 41", output);
    }

    [Fact]
    public void ShellQuotingSurvivesQuotesAndSpaces() =>
        Assert.Equal("a 'b c' 'it'\\''s'", ClusterScripts.ShellJoin(["a", "b c", "it's"]));
}
