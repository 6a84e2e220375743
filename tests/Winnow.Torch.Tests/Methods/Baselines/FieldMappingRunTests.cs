using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Core.Scoring;
using Winnow.Methods;
using Winnow.Methods.Common;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Common;

namespace Winnow.Torch.Tests.Methods.Baselines;

/// <summary>A fit's field mapping is recorded in its run, read back for scoring and selection, and part of its fingerprint only when given.</summary>
public sealed class FieldMappingRunTests
{
    private static readonly FieldMapping Mapping = FieldMapping.Parse("prompt=q,completion=a,id=n");

    private static string Data(TempDir dir, string name, int rows)
    {
        var path = Path.Combine(dir.Path, name);
        File.WriteAllLines(path, Enumerable.Range(1, rows).Select(i =>
            JsonSerializer.Serialize(new { n = $"{name[0]}{i}", q = $"question {i} about {name}", a = $"answer {i}" })));
        return path;
    }

    [Fact]
    public void Dsir_run_records_the_mapping_and_scores_the_pool_through_it()
    {
        using var dir = new TempDir();
        var target = Data(dir, "target.jsonl", 4);
        var pool = Data(dir, "pool.jsonl", 12);
        var run = Path.Combine(dir.Path, "run");
        var method = SelectionMethods.Get("dsir");
        var request = new MethodFitRequest([target], [pool], run) { Fields = Mapping, Settings = new Dictionary<string, string> { ["hash_bits"] = "10" } };

        method.Fit(request);
        var scores = Path.Combine(run, "scores.parquet");
        method.Score(new MethodScoreRequest(run, [pool], scores));

        var manifest = new RunFolder(run).Read()!;
        Assert.Equal("prompt=q,completion=a,id=n", manifest.Fields);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"p{i}"), ScoreFile.Read(scores).OrderBy(r => r.Row).Select(r => r.Id));
        var info = MethodRuns.Describe(run);
        Assert.Equal(Mapping, info.ReadOptions.Fields);
        Assert.True(MethodRuns.IsCurrent(scores, info));

        // The same inputs without the mapping are another run: refused, naming the difference.
        var error = Assert.Throws<RunMismatchException>(() => method.Fit(request with { Fields = null }));
        Assert.Contains("field mapping", error.Message);
    }

    [Fact]
    public void Without_a_mapping_the_manifest_and_fingerprint_are_as_before()
    {
        using var dir = new TempDir();
        var pool = Path.Combine(dir.Path, "pool.jsonl");
        File.WriteAllText(pool, "{\"prompt\":\"p\",\"completion\":\"c\"}\n");
        var request = new MethodFitRequest([], [pool], Path.Combine(dir.Path, "run")) { Seed = 3 };

        var plain = RunPlans.ForSettings("random", request, new Dictionary<string, string>());
        var mapped = RunPlans.ForSettings("random", request with { Fields = Mapping }, new Dictionary<string, string>());

        // The fingerprint formula of runs made before field mappings existed.
        var before = ContentHash.OfText(string.Join("\n", "winnow.method-run.v1", "random", TaskKind.Instruction, "", "", ContentHash.OfPaths([pool]), "", 3, ""));
        Assert.Equal(before, plain.Fingerprint);
        Assert.NotEqual(plain.Fingerprint, mapped.Fingerprint);
        Assert.Null(plain.Fields);
        Assert.Equal("field mapping", mapped.Differences(plain).Replace("differs in ", "", StringComparison.Ordinal));

        var folder = new RunFolder(dir.Path);
        folder.Write(plain);
        Assert.DoesNotContain("\"fields\"", File.ReadAllText(folder.ManifestPath));

        var model = Path.Combine(dir.Path, "model.bin");
        File.WriteAllText(model, "weights");
        var inputs = RunPlans.ForOptions("schema", "tov", TaskKind.Instruction, model, [pool], [pool], null, "{}", null);
        Assert.Equal(ContentHash.OfText(string.Join("\n", "schema", inputs.ModelHash, inputs.TargetHash, inputs.PoolHash, "", "{}")), inputs.Fingerprint);
        Assert.NotEqual(inputs.Fingerprint, RunPlans.ForOptions("schema", "tov", TaskKind.Instruction, model, [pool], [pool], null, "{}", Mapping.ToString()).Fingerprint);
    }
}
