using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Common;
using Winnow.Torch.Tests.TestSupport;

namespace Winnow.Torch.Tests.Methods;

/// <summary>
/// Run folders as today's version writes them keep loading (docs/design.md, "Run folders"): one manifest.json of each
/// of the four schemas, in the layout written on 2026-12-01 and frozen here, is described with its method, task,
/// fingerprint and pool hash; and a folder holding one method's run is refused to another method unless forced,
/// whichever two.
/// </summary>
public sealed class RunFolderFormatTests
{
    private const string Fingerprint = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string PoolHash = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    private const string TovManifest = $$"""
        {
          "schema": "winnow.tov-run.v1",
          "fingerprint": "{{Fingerprint}}",
          "model": "/models/tiny",
          "model_hash": "aa",
          "target": [
            "/data/target"
          ],
          "target_hash": "bb",
          "pool": [
            "/data/pool"
          ],
          "pool_hash": "{{PoolHash}}",
          "label_map": null,
          "label_map_hash": null,
          "options": {
            "kind": "ner",
            "base_size": 30,
            "epochs": 2,
            "epsilon": 0.1,
            "learning_rate": 0.01,
            "batch_size": 8,
            "lora_rank": 4,
            "lora_alpha": 32,
            "lora_dropout": 0,
            "variant": "interleaved",
            "validation_passes": 1,
            "transform": "identity",
            "max_length": 64,
            "seed": 3
          },
          "pool_size": 120,
          "target_size": 20,
          "base_size": 30,
          "base_set_hash": "cc",
          "epochs": 2,
          "completed_epochs": [
            {
              "epoch": 0,
              "learning_rate": 0.01,
              "validation_learning_rate": 0.001,
              "base_loss": 2.5,
              "validation_loss": 2.4,
              "seconds": 1.5
            }
          ],
          "complete": false
        }

        """;

    private const string LessManifest = $$"""
        {
          "schema": "winnow.less-run.v1",
          "fingerprint": "{{Fingerprint}}",
          "model": "/models/tiny",
          "model_hash": "aa",
          "target": [
            "/data/target"
          ],
          "target_hash": "bb",
          "pool": [
            "/data/pool"
          ],
          "pool_hash": "{{PoolHash}}",
          "label_map": null,
          "label_map_hash": null,
          "fields": "prompt=question,completion=answer",
          "options": {
            "kind": "instruction",
            "seed": 0
          },
          "pool_size": 120,
          "warmup_size": 6,
          "target_rows": 20,
          "gradient_size": 4096,
          "checkpoints": [],
          "complete": true
        }

        """;

    private const string TsdsManifest = $$"""
        {
          "schema": "winnow.tsds-run.v1",
          "fingerprint": "{{Fingerprint}}",
          "model": null,
          "model_hash": null,
          "kind": "instruction",
          "target": [
            "/data/target"
          ],
          "target_hash": "bb",
          "pool": [
            "/data/pool"
          ],
          "pool_hash": "{{PoolHash}}",
          "label_map": null,
          "label_map_hash": null,
          "options": {
            "embedder": "hashed"
          },
          "embedder": "hashed n-grams",
          "dimension": 256,
          "target_size": 20,
          "target_embedding_bytes": 10240,
          "complete": true
        }

        """;

    private const string MethodManifest = $$"""
        {
          "schema": "winnow.method-run.v1",
          "method": "dsir",
          "fingerprint": "{{Fingerprint}}",
          "kind": "ner",
          "model": null,
          "model_hash": null,
          "target": [
            "/data/target"
          ],
          "target_hash": "bb",
          "pool": [
            "/data/pool"
          ],
          "pool_hash": "{{PoolHash}}",
          "label_map": "/data/map.txt",
          "label_map_hash": "dd",
          "settings": {
            "buckets": "65536",
            "ngrams": "2",
            "normalize": "length"
          },
          "seed": 0,
          "created": "2026-12-01T09:00:00+00:00",
          "seconds": 0.25,
          "bytes_written": 524800,
          "complete": true
        }

        """;

    public static TheoryData<string, string, TaskKind, string?> Manifests => new()
    {
        { TovManifest, "tov", TaskKind.Ner, null },
        { LessManifest, "less", TaskKind.Instruction, "prompt=question,completion=answer" },
        { TsdsManifest, "tsds", TaskKind.Instruction, null },
        { MethodManifest, "dsir", TaskKind.Ner, null },
    };

    [Theory]
    [MemberData(nameof(Manifests))]
    public void A_manifest_written_by_todays_version_is_described(string manifest, string method, TaskKind kind, string? fields)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("manifest.json"), manifest);
        var run = MethodRuns.Describe(dir.Path);
        Assert.Equal(method, run.Method);
        Assert.Equal(kind, run.Kind);
        Assert.Equal(Fingerprint, run.Fingerprint);
        Assert.Equal(PoolHash, run.PoolHash);
        Assert.Equal(fields, run.Fields);
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Another_methods_run_is_refused_and_replaced_with_force_leaving_other_files(string manifest, string method, TaskKind kind, string? fields)
    {
        _ = kind;
        _ = fields;
        using var dir = new TempDir();
        var pool = RepoPaths.Samples("instruct", "pool");
        var run = dir.Sub("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "manifest.json"), manifest);
        File.WriteAllText(Path.Combine(run, "notes.txt"), "kept");
        // Something of the holder's own, so replacing it shows it is removed.
        string own = SelectionMethods.Get(method).RunFiles.First(f => f != "manifest.json");
        File.WriteAllText(Path.Combine(run, own), "old");

        // Random (DSIR over a random run) fits into the folder.
        string other = method == "random" ? "dsir" : "random";
        var fitter = SelectionMethods.Get(other);
        var request = new MethodFitRequest([], [pool], run) { Kind = TaskKind.Instruction };
        var error = Assert.Throws<RunMismatchException>(() => fitter.Fit(request));
        Assert.Contains($"holds a {method} run", error.Message);
        Assert.Contains("--force", error.Message);

        var fitted = fitter.Fit(request with { Force = true });
        Assert.False(fitted.Reused);
        Assert.Equal(other, MethodRuns.Describe(run).Method);
        Assert.False(File.Exists(Path.Combine(run, own)) || Directory.Exists(Path.Combine(run, own)));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(run, "notes.txt")));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{ \"schema\": \"winnow.method-run.v9\", \"method\": \"random\" }")]
    public void A_manifest_this_version_cannot_read_is_refused_with_the_way_to_redo_it_and_force_redoes_it(string manifest)
    {
        using var dir = new TempDir();
        var run = dir.Sub("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "manifest.json"), manifest);
        var random = SelectionMethods.Get("random");
        var request = new MethodFitRequest([], [RepoPaths.Samples("instruct", "pool")], run) { Kind = TaskKind.Instruction };
        var error = Assert.Throws<InvalidDataException>(() => random.Fit(request));
        Assert.Contains("--force", error.Message);
        Assert.False(random.Fit(request with { Force = true }).Reused);
        Assert.Equal("random", MethodRuns.Describe(run).Method);
    }
}
