using Winnow.Torch.Methods.Common;
using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Methods;
using Winnow.Torch.Methods.Tsds;
using Winnow.Torch.Tests.TestSupport;

namespace Winnow.Torch.Tests.Methods.Tsds;

/// <summary>TSDS end to end through <see cref="ISelectionMethod"/> Fit and Score on the bundled samples.</summary>
public sealed class TsdsMethodTests(TsdsFixture fixture) : IClassFixture<TsdsFixture>
{
    private static readonly ISelectionMethod Method = new TsdsMethod();

    private static int Count(IEnumerable<string> paths, ReadOptions options) => DatasetReader.Read(paths, options).Count();

    private static List<ScoreRow> FitAndScore(MethodFitRequest fit, string output)
    {
        var run = Method.Fit(fit);
        Assert.False(run.Reused);
        Assert.True(run.BytesWritten > 0);
        var result = Method.Score(new MethodScoreRequest(fit.RunDirectory, fit.Pool, output) { ChunkSize = 100, BatchSize = 16 });
        Assert.True(File.Exists(result.OutputPath));
        var rows = ScoreFile.Read(output);
        Assert.Equal(result.Rows, rows.Count);
        Assert.Equal(1.0, rows.Sum(r => r.Score), 6);
        Assert.All(rows, r => Assert.True(r.Score >= 0));
        Assert.Equal(rows.Count, rows.Select(r => (r.Source, r.Id)).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, rows.Count).Select(i => (long)i), rows.Select(r => r.Row));
        return rows;
    }

    [Fact]
    public void Contract_names_the_method()
    {
        Assert.Equal("tsds", Method.Name);
        Assert.True(Method.NeedsModel);
        Assert.Equal(SelectionStrategy.Sample, Method.DefaultStrategy);
    }

    [Fact]
    public void Hashed_embedder_scores_every_pool_row_and_favours_the_target_source()
    {
        using var dir = new TempDir();
        var fit = new MethodFitRequest([TsdsFixture.InstructTarget], [TsdsFixture.InstructPool], Path.Combine(dir.Path, "run"))
        {
            Kind = TaskKind.Instruction, Settings = new Dictionary<string, string> { ["embedder"] = "hashed", ["half"] = "true" },
        };
        var rows = FitAndScore(fit, Path.Combine(dir.Path, "scores.parquet"));
        Assert.Equal(Count([TsdsFixture.InstructPool], new ReadOptions { Kind = TaskKind.Instruction }), rows.Count);
        // The target is StrategyQA: the pool's flan-strategyqa rows draw more than their share of the mass (1.8× with
        // hashed n-grams; flan-creak's yes/no claims draw more still), the unrelated T0 templates far less.
        var inDomain = rows.Where(r => r.Source.Contains("strategyqa", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(inDomain);
        Assert.True(inDomain.Sum(r => r.Score) > 1.5 * inDomain.Count / rows.Count, $"in-domain mass {inDomain.Sum(r => r.Score):F3}; " + string.Join("; ", rows.GroupBy(r => r.Source).Select(g => $"{g.Key} n={g.Count()} mass={g.Sum(r => r.Score):F3} support={g.Count(r => r.Score > 0)}")));

        var t0 = rows.Where(r => r.Source.Contains("t0-", StringComparison.Ordinal)).ToList();
        Assert.True(t0.Sum(r => r.Score) < 0.5 * t0.Count / rows.Count);

        var metadata = ScoreFile.ReadMetadata(Path.Combine(dir.Path, "scores.parquet"));
        Assert.Equal("tsds", metadata["winnow.method"]);
        Assert.True(File.Exists(Path.Combine(dir.Path, "run", "pool.emb")));
        Assert.True(Method.Fit(fit).Reused);
    }

    [Fact]
    public void A_refit_with_other_inputs_is_refused_and_scoring_another_pool_is_refused()
    {
        using var dir = new TempDir();
        var run = Path.Combine(dir.Path, "run");
        var settings = new Dictionary<string, string> { ["embedder"] = "hashed" };
        Method.Fit(new MethodFitRequest([TsdsFixture.InstructTarget], [TsdsFixture.InstructPool], run) { Settings = settings });
        var other = new MethodFitRequest([TsdsFixture.InstructTarget], [TsdsFixture.InstructPool], run)
        {
            Settings = new Dictionary<string, string> { ["embedder"] = "hashed", ["alpha"] = "0.9" },
        };
        Assert.Throws<Winnow.Core.Runs.RunMismatchException>(() => Method.Fit(other));
        Assert.False(Method.Fit(other with { Force = true }).Reused);
        var otherPool = RepoPaths.Samples("instruct", "test");
        Assert.Throws<InvalidDataException>(() => Method.Score(new MethodScoreRequest(run, [otherPool], Path.Combine(dir.Path, "s.parquet"))));
    }

    [Fact]
    public void Tiny_llama_embeds_instruction_data_end_to_end()
    {
        using var dir = new TempDir();
        var fit = new MethodFitRequest([TsdsFixture.InstructTarget], [TsdsFixture.InstructPool], Path.Combine(dir.Path, "run"))
        {
            Model = fixture.Llama, Kind = TaskKind.Instruction, Seed = 1,
            Settings = new Dictionary<string, string> { ["max_length"] = "64", ["max_neighbours"] = "200", ["kde_neighbours"] = "50" },
        };
        var rows = FitAndScore(fit, Path.Combine(dir.Path, "scores.parquet"));
        Assert.Equal(Count([TsdsFixture.InstructPool], new ReadOptions { Kind = TaskKind.Instruction }), rows.Count);
        Assert.All(rows, r => Assert.True(r.Length > 0));
        long bytes = new FileInfo(Path.Combine(dir.Path, "run", "pool.emb")).Length;
        Assert.Equal(EmbeddingFileWriter.HeaderBytes + rows.Count * 32L * 4, bytes);
    }

    [Fact]
    public void Tiny_bert_embeds_label_mapped_ner_data_end_to_end()
    {
        using var dir = new TempDir();
        var fit = new MethodFitRequest([TsdsFixture.NerTarget], [TsdsFixture.NerPool], Path.Combine(dir.Path, "run"))
        {
            Model = fixture.Bert, Kind = TaskKind.Ner, LabelMap = TsdsFixture.NerLabelMap,
            Settings = new Dictionary<string, string> { ["max_length"] = "64" },
        };
        var rows = FitAndScore(fit, Path.Combine(dir.Path, "scores.parquet"));
        Assert.Equal(Count([TsdsFixture.NerPool], TsdsFixture.NerReadOptions), rows.Count);
    }

    [Fact]
    public void Model_embeddings_are_unit_and_deterministic()
    {
        var examples = DatasetReader.Read([TsdsFixture.InstructTarget], new ReadOptions { Kind = TaskKind.Instruction }).Take(5).ToList();
        using var a = new ModelEmbedder(fixture.Llama, maxLength: 32, batchSize: 2);
        using var b = new ModelEmbedder(fixture.Llama, maxLength: 32, batchSize: 5);
        var ea = a.Embed(examples);
        var eb = b.Embed(examples);
        for (int r = 0; r < 5; r++)
            Assert.Equal(1.0, Math.Sqrt(ea.Vectors.Skip(r * a.Dimension).Take(a.Dimension).Sum(v => (double)v * v)), 4);
        for (int i = 0; i < ea.Vectors.Length; i++) Assert.Equal(ea.Vectors[i], eb.Vectors[i], 4);
    }
}
