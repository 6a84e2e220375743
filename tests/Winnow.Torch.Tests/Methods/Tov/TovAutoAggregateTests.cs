using Winnow.Core.Scoring;
using Winnow.Methods;
using Winnow.Torch.Methods.Tov;
using Xunit.Abstractions;

namespace Winnow.Torch.Tests.Methods.Tov;

/// <summary>ToV's choice of the mean or the summed φ from the target alone (<see cref="TovAutoAggregate"/>).</summary>
[Collection(TovCollection.Name)]
public sealed class TovAutoAggregateTests(TovFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void The_setting_parses_and_is_refused_beside_auto_or_a_held_out_target()
    {
        var request = new MethodFitRequest([fixture.InstructionTarget], [fixture.InstructionPool], Path.Combine(fixture.Root, "agg-parse")) { Model = fixture.LlamaModel };
        Assert.True(TovMethod.ParseFitOptions(request with { Settings = new Dictionary<string, string> { ["auto_aggregate"] = "true" } }).AutoAggregate);
        Assert.False(TovMethod.ParseFitOptions(request).AutoAggregate);
        Assert.Contains("one at a time", Assert.Throws<ArgumentException>(() =>
            TovMethod.ParseFitOptions(request with { Settings = new Dictionary<string, string> { ["auto_aggregate"] = "true", ["auto"] = "true" } })).Message);
        Assert.Throws<ArgumentException>(() => (TovFixture.InstructionOptions with { AutoAggregate = true, TargetHoldout = 0.3 }).Validate());
        // A fixed aggregation leaves nothing to choose: refused when the fit starts, before any probe.
        var fixedSum = Assert.Throws<ArgumentException>(() => TovFitter.Fit(
            new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], Path.Combine(fixture.Root, "agg-fixed"))
            {
                Options = TovFixture.InstructionOptions with { AutoAggregate = true, Aggregation = TovAggregation.Sum },
            }));
        Assert.Contains("leave aggregate unset", fixedSum.Message);
    }

    /// <summary>
    /// The probe ranks by the sum as the mean's score file times each row's predicted tokens, instead of scoring the
    /// pool twice; that is only right if a summed score file holds exactly that.
    /// </summary>
    [Fact]
    public void A_summed_score_is_the_mean_times_the_predicted_tokens()
    {
        var summed = Path.Combine(fixture.Root, "run-instruct", "summed.parquet");
        TovScorer.Score(new TovScoreRequest(fixture.InstructionRun.RunDirectory, [fixture.InstructionPool], summed) { Aggregation = TovAggregation.Sum });
        var mean = ScoreFile.Read(fixture.InstructionScores).ToDictionary(r => r.Row);
        var sum = ScoreFile.Read(summed);
        Assert.Equal(mean.Count, sum.Count);
        int scored = 0;
        foreach (var r in sum.Where(r => !double.IsNaN(r.PhiIdentity)))
        {
            var m = mean[r.Row];
            Assert.Equal(m.Predicted, r.Predicted);
            Assert.True(r.Predicted > 1, "rows of one predicted token would not tell a sum from a mean");
            Assert.Equal(m.PhiIdentity * m.Predicted, r.PhiIdentity, 1e-9);
            Assert.Equal(m.PhiAbs * m.Predicted, r.PhiAbs, 1e-9);
            scored++;
        }
        Assert.True(scored > 50, $"{scored} scored rows");
    }

    /// <summary>
    /// End to end on the instruction fixture: the probe fit uses 70% of the target, both aggregations and the random
    /// rows are probed, the lower held-out loss wins, and the final run (the whole target) records the choice, scores
    /// with it and selects from one bin when it is the sum. Which aggregation wins on this fixture is not asserted:
    /// that is what the studies' aggauto rows measure.
    /// </summary>
    [Fact]
    public void The_lower_held_out_loss_wins_and_the_final_run_scores_with_it()
    {
        var dir = Path.Combine(fixture.Root, "run-auto-aggregate");
        var options = TovFixture.InstructionOptions with { AutoAggregate = true };
        var messages = new List<string>();
        var run = TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], dir) { Options = options },
            new Progress(messages));
        var choice = run.State.AutoAggregate;
        Assert.NotNull(choice);
        output.WriteLine($"mean {choice.MeanLoss:F4}, sum {choice.SumLoss:F4}, random {choice.RandomLoss:F4}: {choice.Aggregation}");
        Assert.All(new[] { choice.MeanLoss, choice.SumLoss, choice.RandomLoss ?? double.NaN }, l => Assert.True(double.IsFinite(l), $"probe loss {l}"));
        Assert.Equal(choice.SumLoss < choice.MeanLoss ? TovAggregation.Sum : TovAggregation.Mean, choice.Aggregation);
        Assert.Equal(9, choice.HeldOut);
        Assert.Equal(42, choice.ProbeSize);
        Assert.Equal(3, messages.Count(m => m.StartsWith("auto_aggregate probe ", StringComparison.Ordinal)));

        // The final run: the whole target, the choice in its options; the probe run: 21 of the 30 target rows.
        Assert.Equal(30, run.State.TargetSize);
        Assert.Equal(choice.Aggregation, run.Options.Aggregation);
        Assert.True(run.Options.AutoAggregate);
        Assert.Equal(21, TovRunModel.LoadComplete(Path.Combine(run.Layout.AutoAggregateDirectory, "fit")).State.TargetSize);

        // Scoring follows the choice, and so do the selection's bins.
        var scores = Path.Combine(dir, "scores.parquet");
        TovScorer.Score(new TovScoreRequest(dir, [fixture.InstructionPool], scores));
        var footer = ScoreFile.ReadMetadata(scores);
        Assert.Equal(TovScorer.AggregationName(choice.Aggregation), footer[TovScorer.AggregationKey]);
        Assert.Equal(TovMethod.BinsFor(choice.Aggregation), new TovMethod().DefaultBinsFor(footer));

        // Again with the same inputs: the run and its choice are reused, nothing is probed again.
        messages.Clear();
        var again = TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], dir) { Options = options },
            new Progress(messages));
        Assert.True(again.Reused);
        Assert.DoesNotContain(messages, m => m.Contains("auto_aggregate probe", StringComparison.Ordinal));
        Assert.Equal(choice, again.State.AutoAggregate);
    }

    /// <summary>
    /// The judge probe fine-tunes each aggregation's subset as the selection delivers it: ToV's share of the budget from
    /// U, the rest the aggregation's top rows (the sum from one bin, so exactly its top rows).
    /// </summary>
    [Fact]
    public void The_judge_probe_subset_is_the_selections_a_quarter_from_U_and_the_top_of_the_rest()
    {
        var all = ScoreFile.Read(fixture.InstructionScores).ToList();
        var keyed = all.ToDictionary(r => Winnow.Torch.Methods.Common.PoolExamples.Key(r.Source, r.Id), StringComparer.Ordinal);
        Assert.Equal(30, all.Count(r => r.InBase));
        var sum = TovAutoAggregate.Delivered(all, r => r.PhiIdentity * r.Predicted, 40, 5, TovAggregation.Sum);
        Assert.Equal(40, sum.Count);
        Assert.Equal(10, sum.Count(k => keyed[k].InBase));
        var expectedTop = all.Where(r => !r.InBase && !double.IsNaN(r.PhiIdentity)).OrderByDescending(r => r.PhiIdentity * r.Predicted).Take(30)
            .Select(r => Winnow.Torch.Methods.Common.PoolExamples.Key(r.Source, r.Id)).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(sum, expectedTop);
        var mean = TovAutoAggregate.Delivered(all, r => r.PhiIdentity, 40, 5, TovAggregation.Mean);
        Assert.Equal(10, mean.Count(k => keyed[k].InBase));
        Assert.NotEqual(sum, mean);
    }

    /// <summary>
    /// auto_aggregate_probe=judge end to end: both subsets fine-tune a fresh model by the task's judge recipe, no random
    /// probe, the lower held-out loss wins, and the setting is part of the run (a fit probe's run is not reused for it).
    /// </summary>
    [Fact]
    public void The_judge_probe_chooses_by_the_judges_fine_tune_and_is_its_own_run()
    {
        var request = new MethodFitRequest([fixture.InstructionTarget], [fixture.InstructionPool], Path.Combine(fixture.Root, "agg-parse-judge")) { Model = fixture.LlamaModel };
        Assert.Equal(TovAggregateProbe.Judge, TovMethod.ParseFitOptions(request with
        {
            Settings = new Dictionary<string, string> { ["auto_aggregate"] = "true", ["auto_aggregate_probe"] = "judge" },
        }).AggregateProbe);
        Assert.Contains("set AutoAggregate too", Assert.Throws<ArgumentException>(() =>
            TovMethod.ParseFitOptions(request with { Settings = new Dictionary<string, string> { ["auto_aggregate_probe"] = "judge" } })).Message);
        Assert.Throws<ArgumentException>(() =>
            TovMethod.ParseFitOptions(request with { Settings = new Dictionary<string, string> { ["auto_aggregate"] = "true", ["auto_aggregate_probe"] = "test" } }));

        var dir = Path.Combine(fixture.Root, "run-auto-aggregate-judge");
        var options = TovFixture.InstructionOptions with { AutoAggregate = true, AggregateProbe = TovAggregateProbe.Judge };
        var messages = new List<string>();
        var run = TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], dir) { Options = options },
            new Progress(messages));
        var choice = run.State.AutoAggregate;
        Assert.NotNull(choice);
        output.WriteLine($"judge probe: mean {choice.MeanLoss:F4}, sum {choice.SumLoss:F4}: {choice.Aggregation}");
        Assert.Equal(TovAggregateProbe.Judge, choice.Probe);
        Assert.Null(choice.RandomLoss);
        Assert.True(double.IsFinite(choice.MeanLoss) && double.IsFinite(choice.SumLoss));
        Assert.Equal(choice.SumLoss < choice.MeanLoss ? TovAggregation.Sum : TovAggregation.Mean, choice.Aggregation);
        Assert.Equal(Winnow.Torch.FineTuning.JudgeRecipes.Instruction.Epochs, choice.ProbeEpochs);
        Assert.Equal(2, messages.Count(m => m.StartsWith("auto_aggregate judge probe ", StringComparison.Ordinal)));
        Assert.Equal(TovAggregateProbe.Judge, run.Options.AggregateProbe);
        Assert.Contains("\"aggregate_probe\"", File.ReadAllText(Path.Combine(dir, "manifest.json")));

        // The fit probe's manifest says nothing of the probe (runs made before the setting keep their fingerprints).
        var fitProbe = TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], Path.Combine(fixture.Root, "run-auto-aggregate-fit-probe"))
        {
            Options = TovFixture.InstructionOptions with { AutoAggregate = true },
        });
        Assert.DoesNotContain("aggregate_probe", File.ReadAllText(Path.Combine(fitProbe.RunDirectory, "manifest.json")));
        Assert.NotEqual(fitProbe.Manifest.Fingerprint, run.Manifest.Fingerprint);
    }

    private sealed class Progress(List<string> messages) : IProgress<string>
    {
        public void Report(string value) => messages.Add(value);
    }
}
