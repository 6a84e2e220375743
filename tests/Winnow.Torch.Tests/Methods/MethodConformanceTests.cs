using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Core.Scoring;
using Winnow.Core.Sharding;
using Winnow.Methods;
using Winnow.Torch.Methods;
using Winnow.Torch.Tests.Methods.Tov;

namespace Winnow.Torch.Tests.Methods;

/// <summary>
/// The checks every registered method goes through, the same for each (docs/design.md, "Conformance"): fit → score →
/// select on the fixture's small instruction pool through <see cref="MethodPipeline"/>; a second fit with the same
/// inputs is reused, and one with another pool is refused; the score file has one row per pool example and names the
/// method; a shardable method's shards merge to the whole file's rows and scores, and a method that is not shardable
/// refuses a shard. A method gets these tests by being registered; <see cref="FastSettings"/> only keeps the known
/// ones quick on the tiny model.
/// </summary>
[Collection(TovCollection.Name)]
public sealed class MethodConformanceTests(TovFixture fixture)
{
    private static readonly Dictionary<string, Dictionary<string, string>> FastSettings = new(StringComparer.Ordinal)
    {
        ["tov"] = new() { ["base_size"] = "30", ["epochs"] = "1", ["lr"] = "0.01", ["batch_size"] = "8", ["lora_rank"] = "4", ["lora_dropout"] = "0", ["max_length"] = "64" },
        ["uncertainty"] = new() { ["base_size"] = "30", ["lr"] = "0.01", ["batch_size"] = "8", ["lora_rank"] = "4", ["lora_dropout"] = "0", ["max_length"] = "64" },
        ["less"] = new()
        {
            ["warmup_fraction"] = "0.1", ["epochs"] = "1", ["learning_rate"] = "1e-2", ["batch_size"] = "4", ["lora_rank"] = "4",
            ["projection_dim"] = "256", ["max_length"] = "64",
        },
        ["tsds"] = new() { ["embedder"] = "hashed" },
    };

    public static TheoryData<string> Methods => new(SelectionMethods.Names);

    private MethodFitRequest FitRequest(ISelectionMethod method, string run, IReadOnlyList<string>? pool = null) =>
        new([fixture.InstructionTarget], pool ?? [fixture.InstructionPool], run)
        {
            Model = method.NeedsModel ? fixture.LlamaModel : null, Kind = TaskKind.Instruction, Seed = 5,
            Settings = FastSettings.GetValueOrDefault(method.Name) ?? [],
        };

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_registered_method_fits_scores_selects_resumes_refuses_changed_inputs_and_shards_as_it_declares(string name)
    {
        var method = SelectionMethods.Get(name);
        string root = Path.Combine(fixture.Root, "conformance-" + name);
        string run = Path.Combine(root, "run");
        int poolSize = TovFixture.InDomainInPool + 2 * TovFixture.PerOtherTemplate;

        // fit → score → select, with the method's own strategy and bins.
        var result = MethodPipeline.Run(new PipelineRequest(name, FitRequest(method, run), 10, Path.Combine(root, "subset.jsonl")));
        Assert.False(result.Run.Reused);
        Assert.Equal(name, result.Run.Method);
        Assert.NotNull(result.Scores);
        Assert.Equal(10, result.Subset.Selected);
        Assert.Equal(10, DatasetReader.Read([result.Subset.OutputPath]).Count());
        var whole = ScoreFile.Read(result.ScoresPath);
        Assert.Equal(Enumerable.Range(0, poolSize).Select(i => (long)i), whole.Select(r => r.Row).Order());
        Assert.Equal(name, ScoreFile.ReadMetadata(result.ScoresPath)[ScoreFile.MethodKey]);

        // The same inputs again: the fit and the score file are reused.
        var again = MethodPipeline.FitAndScore(method, FitRequest(method, run));
        Assert.True(again.Run.Reused);
        Assert.Null(again.Scores);

        // Another pool: refused, naming the way out.
        var changed = FitRequest(method, run, [fixture.InstructionPool, fixture.InstructionTarget]);
        Assert.Contains("--force", Assert.Throws<RunMismatchException>(() => method.Fit(changed)).Message);

        // Shards: merged, the same rows and scores as the whole file; or refused by a method that needs the whole pool.
        string shards = Path.Combine(root, "shards");
        if (!method.Shardable)
        {
            var refused = new MethodScoreRequest(run, [fixture.InstructionPool], Path.Combine(shards, ShardFiles.ScoresName(new Shard(0, 2)))) { Shard = new Shard(0, 2) };
            Assert.Throws<ArgumentException>(() => method.Score(refused));
            return;
        }
        for (int i = 0; i < 2; i++)
        {
            var shard = new Shard(i, 2);
            method.Score(new MethodScoreRequest(run, [fixture.InstructionPool], Path.Combine(shards, ShardFiles.ScoresName(shard))) { Shard = shard, ChunkSize = 23 });
        }
        string merged = Path.Combine(root, "merged.parquet");
        ShardMerger.Merge(shards, merged);
        var rows = ScoreFile.Read(merged).OrderBy(r => r.Row).ToList();
        var expected = whole.OrderBy(r => r.Row).ToList();
        Assert.Equal(expected.Select(r => (r.Row, r.Source, r.Id, r.InBase)), rows.Select(r => (r.Row, r.Source, r.Id, r.InBase)));
        for (int i = 0; i < expected.Count; i++)
        {
            if (double.IsNaN(expected[i].Score)) Assert.True(double.IsNaN(rows[i].Score), $"row {i}");
            else Assert.Equal(expected[i].Score, rows[i].Score, 1e-5);
        }
    }
}
