using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Methods;
using Winnow.Methods.Common;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Common;
using Winnow.Torch.Methods.Less;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Methods.Tsds;
using Winnow.Torch.Tests.TestSupport;

namespace Winnow.Torch.Tests.Methods;

/// <summary>
/// Run folders written by earlier versions keep loading (docs/design.md, "Run folders"): one manifest.json of each
/// of the four v1 schemas, in the layout written on 2026-12-01 and frozen here, is migrated on read and described with
/// its method, task, fingerprint and pool hash, and its options and state read into the method's records; a manifest
/// of today's schema round-trips; and a folder holding one method's run is refused to another method unless forced,
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
    public void A_manifest_written_by_the_v1_version_is_described(string manifest, string method, TaskKind kind, string? fields)
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

    [Fact]
    public void The_methods_options_and_state_of_each_v1_manifest_read_into_their_records()
    {
        using var dir = new TempDir();
        RunManifest Read(string manifest)
        {
            File.WriteAllText(dir.File("manifest.json"), manifest);
            return new RunFolder(dir.Path).Read()!;
        }

        var tov = TovRun.Of(dir.Path, Read(TovManifest));
        Assert.Equal(0.1, tov.Options.Epsilon);
        Assert.Equal(TaskKind.Ner, tov.Options.Kind);
        Assert.Equal(3, tov.Options.Seed);
        Assert.Equal(2, tov.State.Epochs);
        Assert.Equal(30, tov.State.BaseSize);
        Assert.Equal("cc", tov.State.BaseSetHash);
        Assert.Equal(0.001, Assert.Single(tov.State.CompletedEpochs).ValidationLearningRate);
        Assert.False(tov.Manifest.Complete);
        Assert.Equal("/models/tiny", tov.Manifest.Model);

        var lessManifest = Read(LessManifest);
        var less = lessManifest.StateAs<LessRunState>(LessRunState.Json);
        Assert.Equal((120, 6, 20, 4096L), (less.PoolSize, less.WarmupSize, less.TargetRows, less.GradientSize));
        Assert.Empty(less.Checkpoints);
        Assert.Equal(TaskKind.Instruction, lessManifest.OptionsAs<LessOptions>(LessRunState.Json).Kind);

        var tsdsManifest = Read(TsdsManifest);
        var tsds = tsdsManifest.StateAs<TsdsRunState>(TsdsRunState.Json);
        Assert.Equal(("hashed n-grams", 256, 20, 10240L), (tsds.Embedder, tsds.Dimension, tsds.TargetSize, tsds.TargetEmbeddingBytes));
        Assert.Equal(TsdsEmbedderKind.Hashed, tsdsManifest.OptionsAs<TsdsOptions>(TsdsRunState.Json).Embedder);

        var dsir = Read(MethodManifest);
        Assert.Equal("65536", RunPlans.SettingsOf(dsir)["buckets"]);
        Assert.Equal(0, dsir.Seed);
        Assert.Equal("/data/map.txt", dsir.LabelMap);
        Assert.Equal(524800, dsir.BytesWritten);
        Assert.Null(dsir.State);
    }

    [Fact]
    public void A_fit_writes_todays_schema_and_its_manifest_reads_back_as_written()
    {
        using var dir = new TempDir();
        var run = dir.Sub("run");
        var request = new MethodFitRequest([], [RepoPaths.Samples("instruct", "pool")], run) { Kind = TaskKind.Instruction, Seed = 5 };
        var fitted = SelectionMethods.Get("random").Fit(request);
        Assert.False(fitted.Reused);
        var folder = new RunFolder(run);
        var manifest = folder.Read()!;
        Assert.Equal(RunManifest.SchemaName, manifest.Schema);
        Assert.Contains($"\"schema\": \"{RunManifest.SchemaName}\"", File.ReadAllText(folder.ManifestPath));
        Assert.Equal(("random", 5, true), (manifest.Method, manifest.Seed, manifest.Complete));
        // The fingerprint is the v1 recipe's: runs already written are still the same run.
        Assert.Equal(RunPlans.ForSettings("random", request, new Dictionary<string, string>()).Fingerprint, manifest.Fingerprint);
        Assert.True(SelectionMethods.Get("random").Fit(request).Reused);
    }

    [Fact]
    public void A_v1_run_of_the_same_inputs_is_the_same_run_and_is_not_rewritten()
    {
        using var dir = new TempDir();
        var run = dir.Sub("run");
        var pool = RepoPaths.Samples("instruct", "pool");
        var request = new MethodFitRequest([], [pool], run) { Kind = TaskKind.Instruction, Seed = 5 };
        var planned = RunPlans.ForSettings("random", request, new Dictionary<string, string>());
        Directory.CreateDirectory(run);
        // The manifest the version before the shared schema wrote for these inputs.
        string v1 = $$"""
            {
              "schema": "winnow.method-run.v1",
              "method": "random",
              "fingerprint": "{{planned.Fingerprint}}",
              "kind": "instruction",
              "model": null,
              "model_hash": null,
              "target": [],
              "target_hash": null,
              "pool": [ {{System.Text.Json.JsonSerializer.Serialize(planned.Pool[0])}} ],
              "pool_hash": "{{planned.PoolHash}}",
              "label_map": null,
              "label_map_hash": null,
              "settings": {},
              "seed": 5,
              "created": "2026-12-01T09:00:00+00:00",
              "seconds": 0.01,
              "bytes_written": 400,
              "complete": true
            }

            """;
        File.WriteAllText(Path.Combine(run, "manifest.json"), v1);
        Assert.True(SelectionMethods.Get("random").Fit(request).Reused);
        Assert.Equal(v1, File.ReadAllText(Path.Combine(run, "manifest.json")));
        var scores = SelectionMethods.Get("random").Score(new MethodScoreRequest(run, [pool], Path.Combine(dir.Path, "scores.parquet"))).OutputPath;
        Assert.Equal(planned.Fingerprint, Winnow.Core.Scoring.ScoreFile.ReadMetadata(scores)[Winnow.Core.Scoring.ScoreFile.FingerprintKey]);
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
