using Winnow.Core.Data;
using Winnow.Torch.Methods.Tov;
using Xunit.Abstractions;

namespace Winnow.Torch.Tests.Methods.Tov;

/// <summary>
/// <see cref="TovExplainer"/> on the fixture's runs: the per-token Δ it reports give back the score file's φ (every
/// transform, every epoch, to 1e-5) for instruction and NER rows, with the plain mean and with label-balanced
/// aggregation and skip_epochs read from the file's footer; tokens are the completion tokens / the words with their gold
/// labels, in text order; shares of the score sum to it.
/// </summary>
[Collection(TovCollection.Name)]
public sealed class TovExplainerTests(TovFixture fixture, ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void Instruction_rows_tokens_give_back_the_score_files_phi()
    {
        using var explainer = TovExplainer.Open(fixture.InstructionRun.RunDirectory, fixture.InstructionScores);
        Assert.Equal(ScoreTransform.Identity, explainer.Transform);
        var rows = explainer.Top(3).Concat(explainer.Bottom(3)).ToList();
        var explanations = explainer.Explain(rows);
        var pool = DatasetReader.Read([fixture.InstructionPool]).ToList();
        foreach (var e in explanations)
        {
            AssertMatchesFile(e);
            Assert.Equal("instruction", e.Kind);
            var example = (InstructionExample)pool[(int)e.Row];
            Assert.Equal((example.Source, example.Id), (e.Source, e.Id));
            // The completion's tokens decoded one by one, then eos.
            Assert.Equal(example.Completion, string.Concat(e.Tokens.SkipLast(1).Select(t => t.Text)).Trim());
            Assert.Equal("<|endoftext|>", e.Tokens[^1].Text);
            Assert.All(e.Tokens, t => Assert.Null(t.Label));
            Assert.All(e.Tokens, t => Assert.Equal(2, t.Deltas.Count));
        }
        var top = explanations[0];
        output.WriteLine($"top: {top.Source}/{top.Id} score {top.File.Score:F5}, recomputed {top.Recomputed!.Score:F5}; raised by " +
                         string.Join(", ", top.Raising(3).Select(t => $"'{t.Text}' {t.Contribution:+0.0000;-0.0000}")));
        Assert.True(top.Raising(3).Count > 0);
    }

    [Fact]
    public void Rows_are_found_by_id_source_and_row_and_unscored_rows_say_why()
    {
        using var explainer = TovExplainer.Open(fixture.InstructionRun.RunDirectory, fixture.InstructionScores);
        // Every template file numbers its rows ex0, ex1, …: an id alone is ambiguous.
        var ambiguous = Assert.Throws<ArgumentException>(() => explainer.FindId("ex5"));
        Assert.Contains("3 sources", ambiguous.Message);
        var sums = explainer.Rows.First(r => r.Source.EndsWith("sums", StringComparison.Ordinal)).Source;
        Assert.Contains(sums, ambiguous.Message);
        Assert.Equal(sums, explainer.FindId("ex5", sums).Source);
        var missing = Assert.Throws<ArgumentException>(() => explainer.FindId("nope"));
        Assert.Contains("'nope'", missing.Message);
        Assert.Throws<ArgumentException>(() => explainer.FindId("ex5", "pool/none"));
        Assert.Equal(7, explainer.FindRow(7).Row);
        Assert.Throws<ArgumentException>(() => explainer.FindRow(10_000));

        var inBase = explainer.Explain(explainer.Rows.First(r => r.InBase));
        Assert.True(inBase.InBase);
        Assert.Contains("base set U", inBase.Note);
        Assert.Empty(inBase.Tokens);
        Assert.Null(inBase.Recomputed);
    }

    /// <summary>
    /// One NER run scored three times: the run's own settings (mean, all epochs), label-balanced with the first epoch
    /// left out, and summed. The explainer reads each file's settings from its footer, so every explanation matches its file.
    /// </summary>
    [Fact]
    public void Ner_rows_words_and_labels_give_back_phi_plain_and_label_balanced_with_skipped_epochs()
    {
        var dir = Path.Combine(fixture.Root, "run-ner-explain");
        var run = TovFitter.Fit(new TovFitRequest(fixture.BertModel, [fixture.NerTarget], [fixture.NerPool], dir)
        {
            Options = TovFixture.NerOptions with { Epochs = 3 },
        });
        var plainPath = Path.Combine(dir, "plain.parquet");
        TovScorer.Score(new TovScoreRequest(dir, [fixture.NerPool], plainPath) { BatchSize = 8, Aggregation = TovAggregation.Mean });
        var balancedPath = Path.Combine(dir, "balanced.parquet");
        TovScorer.Score(new TovScoreRequest(dir, [fixture.NerPool], balancedPath)
        {
            Aggregation = TovAggregation.LabelBalanced, SkipEpochs = 1, Transform = ScoreTransform.Positive,
        });
        var summedPath = Path.Combine(dir, "summed.parquet");
        TovScorer.Score(new TovScoreRequest(dir, [fixture.NerPool], summedPath) { Aggregation = TovAggregation.Sum });
        var pool = DatasetReader.Read([fixture.NerPool]).Cast<NerExample>().ToList();

        foreach (var (path, aggregation) in new[] { (plainPath, TovAggregation.Mean), (balancedPath, TovAggregation.LabelBalanced), (summedPath, TovAggregation.Sum) })
        {
            bool balanced = aggregation == TovAggregation.LabelBalanced;
            using var explainer = TovExplainer.Open(run.RunDirectory, path);
            Assert.Equal(aggregation, explainer.Aggregation);
            Assert.Equal(balanced ? 1 : 0, explainer.SkipEpochs);
            Assert.Equal(balanced ? ScoreTransform.Positive : ScoreTransform.Identity, explainer.Transform);
            // Both sources, both ends of the ranking.
            var rows = explainer.Top(4).Concat(explainer.Bottom(4))
                .Concat(explainer.Rows.Where(r => !r.InBase && double.IsFinite(r.Score)).GroupBy(r => r.Source).Select(g => g.First())).ToList();
            foreach (var e in explainer.Explain(rows))
            {
                AssertMatchesFile(e);
                Assert.Equal("ner", e.Kind);
                var example = pool[(int)e.Row];
                Assert.Equal(example.Tokens, e.Tokens.Select(t => t.Text));
                // Gold labels as the head knows them: the target has PER only, so LOC words are O.
                Assert.Equal(example.Tags.Select(t => t.EndsWith("PER", StringComparison.Ordinal) ? t : "O"), e.Tokens.Select(t => t.Label!));
                Assert.All(e.Tokens, t => Assert.Equal(3, t.Deltas.Count));
                Assert.All(e.Tokens, t => Assert.Equal(t.Deltas.Skip(e.SkipEpochs).Average(), t.MeanDelta, 12));
                if (balanced) Assert.All(e.Tokens, t => Assert.True(t.Contribution >= 0, "positive transform: no token lowers φ"));
                // Summed: every token counts whole, so the contributions add up to φ, not to φ / tokens.
                if (aggregation == TovAggregation.Sum) Assert.Equal(e.File.PhiIdentity, e.Tokens.Sum(t => t.Contribution), 6);
            }
        }

        // An override recomputes with other settings, so it no longer matches the file: proof the footer was used above.
        using var overridden = TovExplainer.Open(run.RunDirectory, balancedPath, new TovExplainOptions { Aggregation = TovAggregation.Mean, SkipEpochs = 0 });
        var differs = overridden.Explain(overridden.Top(6)).Max(e => Math.Abs(e.Recomputed!.PhiIdentity - e.File.PhiIdentity));
        Assert.True(differs > 1e-4, $"mean φ equals label-balanced φ with an epoch left out on every row (largest difference {differs})");
    }

    [Fact]
    public void A_score_file_from_another_run_or_method_is_refused()
    {
        var other = Path.Combine(fixture.Root, "explain-other");
        TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], other)
        {
            Options = TovFixture.InstructionOptions with { BaseSize = 8, Epochs = 1 },
        });
        var error = Assert.Throws<InvalidDataException>(() => TovExplainer.Open(other, fixture.InstructionScores));
        Assert.Contains("not written by the ToV run", error.Message);
        Assert.Throws<FileNotFoundException>(() => TovExplainer.Open(fixture.InstructionRun.RunDirectory, Path.Combine(fixture.Root, "none.parquet")));
        Assert.Throws<FileNotFoundException>(() => TovExplainer.Open(Path.Combine(fixture.Root, "no-run"), fixture.InstructionScores));
    }

    private static void AssertMatchesFile(TovExplanation e)
    {
        Assert.Null(e.Note);
        var recomputed = e.Recomputed!;
        double difference = recomputed.MaxDifference(e.File);
        Assert.True(difference <= Tolerance, $"{e.Source}/{e.Id}: recomputed φ differs from the file's by {difference:E2}");
        Assert.Equal(e.Predicted, e.Tokens.Count);
        Assert.Equal(Enumerable.Range(0, e.Tokens.Count), e.Tokens.Select(t => t.Index));
        // Each token's share: its weight times F(Δ) over counted epochs; together they are the score.
        Assert.Equal(recomputed.Score, e.Tokens.Sum(t => t.Contribution), 9);
    }
}
