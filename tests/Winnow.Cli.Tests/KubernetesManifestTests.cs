using System.Diagnostics;

namespace Winnow.Cli.Tests;

/// <summary>
/// The Indexed Job and the merge Job that <c>winnow cluster k8s</c> writes pass Kubernetes' OpenAPI schemas (the npm
/// package kubernetes-models, run by <c>tests/k8s/validate.mjs</c>), and the same check rejects deliberately broken copies.
/// </summary>
[Collection(CliCollection.Name)]
public class KubernetesManifestTests
{
    private static string Manifests(TempDir dir, params string[] extra)
    {
        string path = dir.File("jobs.yaml");
        var result = CliRunner.Run(["cluster", "k8s", "--run", "/data/runs/ner", "--pool", "/data/pool/a.conll", "/data/pool/b dir",
            "--shards", "5", "--image", "registry.example/winnow:1.0", "--name", "ner-tov", "--parallelism", "2", "--retries", "1", "--out", path, .. extra]);
        Assert.True(result.ExitCode == 0, result.Error);
        return path;
    }

    [NodeFact]
    public void The_indexed_job_and_the_merge_job_pass_the_kubernetes_schema()
    {
        using var dir = new TempDir();
        var (code, output, error) = Validate(Manifests(dir));
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal(["ok Job ner-tov-score", "ok Job ner-tov-merge"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [NodeTheory]
    [InlineData("completions: 5", "completions: five", "document 1 (Job ner-tov-score): data/spec/completions must be integer")]
    [InlineData("completionMode: Indexed", "completionMode: Indexd", "data/spec/completionMode must be equal to one of the allowed values")]
    [InlineData("restartPolicy: Never", "restartPolicy: Sometimes", "data/spec/template/spec/restartPolicy must be equal to one of the allowed values")]
    [InlineData("      - name: winnow\n", "      - nam: winnow\n", "data/spec/template/spec/containers/0 must have required property name")]
    [InlineData("claimName: winnow-data", "claimName: [winnow-data]", "claimName must be string")]
    [InlineData("name: ner-tov-score", "name: Ner_Tov_Score", "metadata.name 'Ner_Tov_Score' is not a DNS-1123 subdomain")]
    [InlineData("kind: Job", "kind: Jobb", "unknown apiVersion/kind batch/v1 Jobb")]
    public void A_broken_manifest_fails_the_check_and_is_named(string field, string broken, string expected)
    {
        using var dir = new TempDir();
        string text = File.ReadAllText(Manifests(dir));
        Assert.Contains(field, text);
        string path = dir.File("broken.yaml");
        File.WriteAllText(path, text.Replace(field, broken, StringComparison.Ordinal));
        var (code, _, error) = Validate(path);
        Assert.Equal(1, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Names_kubernetes_would_refuse_are_refused_when_writing()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("cluster", "k8s", "--run", "/data/run", "--pool", "/data/pool", "--shards", "2", "--image", "w:1",
            "--name", "NER_run", "--out", dir.File("jobs.yaml"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Job name 'NER_run' is not one Kubernetes accepts", result.Error);
        Assert.False(File.Exists(dir.File("jobs.yaml")));
        result = CliRunner.Run("cluster", "k8s", "--run", "/data/run", "--pool", "/data/pool", "--shards", "2", "--image", "w:1",
            "--name", new string('a', 58), "--out", dir.File("jobs.yaml"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("at most 57 characters", result.Error);
    }

    private static (int Code, string Output, string Error) Validate(string path)
    {
        var start = new ProcessStartInfo(NodeFactAttribute.Node!) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(NodeFactAttribute.Validator);
        start.ArgumentList.Add(path);
        using var node = Process.Start(start)!;
        var error = node.StandardError.ReadToEndAsync();
        string output = node.StandardOutput.ReadToEnd();
        Assert.True(node.WaitForExit(60_000), "the schema check did not finish in 60 s");
        return (node.ExitCode, output, error.Result);
    }
}
