using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.Runs;

namespace Winnow.Core.Tests.Runs;

/// <summary>The one reuse/refuse/force rule every method's fit goes through, and the one reader and writer of manifest.json (docs/design.md, "Run folders").</summary>
public sealed class RunFolderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "winnow-runfolder-" + Guid.NewGuid().ToString("N"));

    private static readonly RunManifest Planned = new()
    {
        Method = "dsir", Fingerprint = "f1", Kind = TaskKind.Ner, TargetHash = "t", PoolHash = "p", Seed = 0,
        Options = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["ngrams"] = "2" }),
    };

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Nothing_there_is_fresh_and_the_same_fingerprint_is_the_same_run()
    {
        var folder = new RunFolder(_root);
        Assert.Null(folder.Claim(Planned, force: false, []));
        folder.Write(Planned with { Complete = true });
        var same = folder.Claim(Planned, force: false, []);
        Assert.NotNull(same);
        Assert.True(same.Complete);
    }

    [Fact]
    public void Another_fingerprint_is_refused_naming_what_differs_unless_forced_which_removes_only_the_run_files()
    {
        var folder = new RunFolder(_root);
        folder.Write(Planned with
        {
            Fingerprint = "f0", PoolHash = "q", Complete = true,
            Options = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["ngrams"] = "3" }),
        });
        File.WriteAllText(folder.File("ratio.bin"), "old");
        File.WriteAllText(folder.File("notes.txt"), "kept");
        var error = Assert.Throws<RunMismatchException>(() => folder.Claim(Planned, force: false, [RunFolder.ManifestFileName, "ratio.bin"]));
        Assert.Equal($"{_root} holds a dsir run made from other inputs or options (differs in pool, options); use another --out or --force to replace it.", error.Message);

        Assert.Null(folder.Claim(Planned, force: true, [RunFolder.ManifestFileName, "ratio.bin"]));
        Assert.False(folder.HasManifest);
        Assert.False(File.Exists(folder.File("ratio.bin")));
        Assert.Equal("kept", File.ReadAllText(folder.File("notes.txt")));
    }

    [Fact]
    public void A_manifest_round_trips_in_the_schema_of_today_with_the_methods_options_and_state()
    {
        var folder = new RunFolder(_root);
        var state = JsonSerializer.SerializeToElement(new { epochs = 2, losses = new[] { 1.5, double.NaN } },
            new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
        folder.Write(Planned with { State = state, Fields = "prompt=q,completion=a", Complete = true });
        var text = File.ReadAllText(folder.ManifestPath);
        Assert.Contains($"\"schema\": \"{RunManifest.SchemaName}\"", text);
        Assert.Contains("\"task\": \"ner\"", text);
        Assert.EndsWith("}\n", text);

        var read = folder.Read()!;
        Assert.Equal(RunManifest.SchemaName, read.Schema);
        Assert.Equal("dsir", read.Method);
        Assert.Equal(TaskKind.Ner, read.Kind);
        Assert.Equal("prompt=q,completion=a", read.Fields);
        Assert.Equal("2", read.Options!.Value.GetProperty("ngrams").GetString());
        Assert.Equal(2, read.State!.Value.GetProperty("epochs").GetInt32());
        Assert.Equal("NaN", read.State!.Value.GetProperty("losses")[1].GetString());
        Assert.Equal("schema", read.Differences(Planned with { Fields = "prompt=q,completion=a" }));
    }

    [Fact]
    public void A_manifest_of_a_v1_schema_is_migrated_on_read_and_left_as_it_is_on_disk()
    {
        var folder = new RunFolder(_root);
        Directory.CreateDirectory(_root);
        const string v1 = """
            {
              "schema": "winnow.less-run.v1",
              "fingerprint": "ff",
              "model": "/m",
              "model_hash": "aa",
              "target": [ "/t" ],
              "target_hash": "bb",
              "pool": [ "/p" ],
              "pool_hash": "cc",
              "label_map": null,
              "label_map_hash": null,
              "options": { "kind": "instruction", "seed": 4 },
              "pool_size": 120,
              "checkpoints": [],
              "complete": true
            }

            """;
        File.WriteAllText(folder.ManifestPath, v1);
        var read = folder.Read()!;
        Assert.Equal("less", read.Method);
        Assert.Equal(TaskKind.Instruction, read.Kind);
        Assert.Equal("ff", read.Fingerprint);
        Assert.Equal("/m", read.Model);
        Assert.Equal(["/p"], read.Pool);
        Assert.True(read.Complete);
        Assert.Null(read.Seed);
        Assert.Equal(4, read.Options!.Value.GetProperty("seed").GetInt32());
        Assert.Equal(120, read.State!.Value.GetProperty("pool_size").GetInt32());
        Assert.Equal(0, read.State!.Value.GetProperty("checkpoints").GetArrayLength());
        Assert.Equal(v1, File.ReadAllText(folder.ManifestPath));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[]")]
    [InlineData("{ \"schema\": \"winnow.method-run.v9\", \"method\": \"random\" }")]
    [InlineData("{ \"schema\": \"winnow.method-run.v1\", \"fingerprint\": \"f\" }")]
    public void A_manifest_this_version_cannot_read_is_refused_with_the_way_to_redo_it(string manifest)
    {
        var folder = new RunFolder(_root);
        Directory.CreateDirectory(_root);
        File.WriteAllText(folder.ManifestPath, manifest);
        var error = Assert.Throws<InvalidDataException>(() => folder.Read());
        Assert.Contains("--force", error.Message);
        Assert.Throws<InvalidDataException>(() => folder.ClaimFor("random", force: false, _ => []));
        folder.ClaimFor("random", force: true, _ => []);
        Assert.False(folder.HasManifest);
    }

    [Fact]
    public void One_fingerprint_recipe_appends_the_field_mapping_only_when_there_is_one()
    {
        Assert.Equal(ContentHash.OfText("a\nb"), RunFingerprint.Of(["a", "b"], null));
        Assert.Equal(ContentHash.OfText("a\nb\nfields=prompt=q,completion=a"), RunFingerprint.Of(["a", "b"], "prompt=q,completion=a"));
    }
}
