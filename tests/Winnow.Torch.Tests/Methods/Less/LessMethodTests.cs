using Winnow.Core.Runs;
using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Methods;
using Winnow.Torch.Methods.Less;
using Winnow.Torch.Tests.Methods.Tov;
using Xunit.Abstractions;

namespace Winnow.Torch.Tests.Methods.Less;

[Collection(LessCollection.Name)]
public sealed class LessMethodTests(TovFixture fixture, ITestOutputHelper output)
{
    private const int Dim = 256;

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["warmup_fraction"] = "0.1", ["epochs"] = "2", ["learning_rate"] = "1e-2", ["batch_size"] = "4", ["lora_rank"] = "4",
        ["projection_dim"] = Dim.ToString(), ["max_length"] = "64",
    };

    private MethodFitRequest FitRequest(string run, IReadOnlyList<string>? target = null) =>
        new(target ?? [fixture.InstructionTarget], [fixture.InstructionPool], run)
        {
            Model = fixture.LlamaModel, Kind = TaskKind.Instruction, Seed = 3, Settings = Settings,
        };

    [Fact]
    public void Fit_and_score_write_one_row_per_pool_example_fp16_features_of_the_stated_size_and_are_deterministic()
    {
        using var dir = new TempDir();
        var method = new LessMethod();
        Assert.Equal("less", method.Name);
        Assert.True(method.NeedsModel);
        var log = new List<string>();
        var progress = new SyncLog(log);
        var run = method.Fit(FitRequest(Path.Combine(dir.Path, "run")), progress);
        Assert.False(run.Reused);
        var folder = new LessRunLayout(run.RunDirectory);
        var manifest = folder.Folder.Read()!.StateAs<LessRunState>(LessRunState.Json);
        int pool = TovFixture.InDomainInPool + 2 * TovFixture.PerOtherTemplate;
        Assert.Equal(pool, manifest.PoolSize);
        Assert.Equal(12, manifest.WarmupSize);
        Assert.Equal(2, manifest.Checkpoints.Count);
        Assert.All(manifest.Checkpoints, c => Assert.True(c.MeanLearningRate > 0));
        Assert.Equal(1.0, manifest.CheckpointWeights().Sum(), 12);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(File.Exists(Path.Combine(folder.TrainerState(i), "optimizer.bin")));
            Assert.Equal((long)manifest.TargetRows * Dim * 2, new FileInfo(folder.TargetFeatures(i)).Length);
        }
        Assert.Equal(30, manifest.TargetRows);

        var scores = Path.Combine(dir.Path, "scores.parquet");
        var result = method.Score(new MethodScoreRequest(run.RunDirectory, [fixture.InstructionPool], scores) { ChunkSize = 50 }, progress);
        foreach (var line in log) output.WriteLine(line);
        Assert.Equal(pool, result.Rows);
        Assert.Equal(pool, result.Scored);
        for (int i = 0; i < 2; i++) Assert.Equal((long)pool * Dim * 2, new FileInfo(folder.PoolFeatures(i)).Length);
        Assert.Equal(2L * pool * Dim * 2 + new FileInfo(scores).Length, result.BytesWritten);

        var rows = ScoreFile.Read(scores);
        Assert.Equal(pool, rows.Count);
        Assert.Equal(12, rows.Count(r => r.InBase));
        Assert.All(rows, r => Assert.InRange(r.Score, -1.0, 1.0));
        Assert.Equal(Enumerable.Range(0, pool).Select(i => (long)i), rows.Select(r => r.Row));

        // Influence from the stored features equals the score column (one subtask: Σ_i w_i ⟨x_i, mean target_i⟩).
        var weights = manifest.CheckpointWeights();
        var centroids = LessMethod.SubtaskCentroids(folder, folder.Folder.Read()!.OptionsAs<LessOptions>(LessRunState.Json), manifest);
        foreach (int r in new[] { 0, 57, pool - 1 })
        {
            double expected = 0;
            for (int i = 0; i < 2; i++)
            {
                var x = FeatureFile.Read(folder.PoolFeatures(i), Dim, r, 1);
                expected += weights[i] * x.Select((v, k) => (double)v * centroids.PerCheckpoint[i][k]).Sum();
            }
            Assert.Equal(expected, rows[r].Score, 9);
        }

        // The target template ("repeat") should look more useful than the others on average.
        double repeat = rows.Where(r => r.Source.Contains("repeat")).Average(r => r.Score);
        double others = rows.Where(r => !r.Source.Contains("repeat")).Average(r => r.Score);
        output.WriteLine($"mean influence: repeat {repeat:F4}, others {others:F4}");
        Assert.True(repeat > others, $"repeat {repeat:F4} vs others {others:F4}");

        // Same inputs again: reused; a changed option is refused; another pool is refused at scoring.
        Assert.True(method.Fit(FitRequest(run.RunDirectory)).Reused);
        var changed = FitRequest(run.RunDirectory) with { Settings = new Dictionary<string, string>(Settings) { ["epochs"] = "3" } };
        Assert.Throws<RunMismatchException>(() => method.Fit(changed));
        Assert.Throws<InvalidDataException>(() =>
            method.Score(new MethodScoreRequest(run.RunDirectory, [fixture.InstructionTarget], Path.Combine(dir.Path, "x.parquet"))));

        // The same seed in a fresh folder: a byte-identical score file (warm-up, projection and scores deterministic).
        var second = method.Fit(FitRequest(Path.Combine(dir.Path, "run2")));
        var again = Path.Combine(dir.Path, "again.parquet");
        method.Score(new MethodScoreRequest(second.RunDirectory, [fixture.InstructionPool], again) { ChunkSize = 50 });
        Assert.Equal(File.ReadAllBytes(scores), File.ReadAllBytes(again));
    }

    [Fact]
    public void Ner_target_in_two_files_is_two_subtasks_and_the_score_is_the_max_over_them()
    {
        using var dir = new TempDir();
        var lines = File.ReadAllLines(Directory.GetFiles(fixture.NerTarget).Single());
        var target = Path.Combine(dir.Path, "target");
        Directory.CreateDirectory(target);
        File.WriteAllLines(Path.Combine(target, "first.jsonl"), lines[..6]);
        File.WriteAllLines(Path.Combine(target, "second.jsonl"), lines[6..]);
        var method = new LessMethod();
        var run = method.Fit(new MethodFitRequest([target], [fixture.NerPool], Path.Combine(dir.Path, "run"))
        {
            Model = fixture.BertModel, Kind = TaskKind.Ner, Seed = 5,
            Settings = new Dictionary<string, string>(Settings) { ["epochs"] = "1", ["warmup_fraction"] = "0.25", ["max_length"] = "48" },
        });
        var scores = Path.Combine(dir.Path, "scores.parquet");
        var result = method.Score(new MethodScoreRequest(run.RunDirectory, [fixture.NerPool], scores));
        Assert.Equal(48, result.Rows);
        Assert.Equal(48, result.Scored);

        var folder = new LessRunLayout(run.RunDirectory);
        var manifest = folder.Folder.Read()!;
        var centroids = LessMethod.SubtaskCentroids(folder, manifest.OptionsAs<LessOptions>(LessRunState.Json), manifest.StateAs<LessRunState>(LessRunState.Json));
        Assert.Equal(2, centroids.Subtasks.Length);
        Assert.Equal(2, ScoreFile.ReadMetadata(scores)["winnow.less.subtasks"].Split(',').Length);
        var rows = ScoreFile.Read(scores);
        foreach (int r in new[] { 0, 30 })
        {
            var x = FeatureFile.Read(folder.PoolFeatures(0), Dim, r, 1);
            double Dot(int s) => x.Select((v, k) => (double)v * centroids.PerCheckpoint[0][s * Dim + k]).Sum();
            Assert.Equal(Math.Max(Dot(0), Dot(1)), rows[r].Score, 9);
        }
        // The NER head is trainable alongside the LoRA matrices, so its gradient is part of every feature.
        Assert.Contains(Winnow.Torch.Training.OptimizerStateFile.Read(folder.OptimizerState(0)).Parameters, p => !p.Name.Contains("lora"));
    }

    [Fact]
    public void Settings_are_parsed_validated_and_unknown_keys_refused()
    {
        var o = LessOptions.FromSettings(new Dictionary<string, string> { ["projection_dim"] = "512", ["epsilon_inside_sqrt"] = "false" });
        Assert.Equal(512, o.ProjectionDim);
        Assert.False(o.EpsilonInsideSqrt);
        Assert.Equal(4, o.Epochs);
        Assert.Equal(2e-5, o.LearningRate);
        Assert.Equal(0.05, o.WarmupFraction);
        Assert.Equal(8192, new LessOptions().ProjectionDim);
        Assert.Equal(50, new LessOptions().ResolveWarmupSize(1000));
        Assert.Equal(1, new LessOptions().ResolveWarmupSize(3));
        Assert.Throws<ArgumentException>(() => LessOptions.FromSettings(new Dictionary<string, string> { ["projection_dimension"] = "5" }));
        Assert.Throws<ArgumentException>(() => LessOptions.FromSettings(new Dictionary<string, string> { ["epochs"] = "0" }));
    }

    private sealed class SyncLog(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
