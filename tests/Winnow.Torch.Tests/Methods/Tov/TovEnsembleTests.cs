using Winnow.Core.Scoring;
using Winnow.Core.Sharding;
using Winnow.Methods;
using Winnow.Torch.Methods.Tov;

namespace Winnow.Torch.Tests.Methods.Tov;

/// <summary>φ averaged over several ToV fits of one pool (<see cref="TovFitOptions.Fits"/>, <see cref="TovEnsemble"/>).</summary>
[Collection(TovCollection.Name)]
public sealed class TovEnsembleTests(TovFixture fixture)
{
    [Fact]
    public void The_setting_parses_and_one_fit_is_the_plain_run()
    {
        var request = new MethodFitRequest([fixture.InstructionTarget], [fixture.InstructionPool], Path.Combine(fixture.Root, "fits-parse")) { Model = fixture.LlamaModel };
        Assert.Equal(3, TovMethod.ParseFitOptions(request with { Settings = new Dictionary<string, string> { ["fits"] = "3" } }).FitCount);
        Assert.Equal(1, TovMethod.ParseFitOptions(request).FitCount);
        Assert.Contains("Fits must be >= 1", Assert.Throws<ArgumentException>(() =>
            TovMethod.ParseFitOptions(request with { Settings = new Dictionary<string, string> { ["fits"] = "0" } })).Message);
        // fits=1 is recorded as no setting at all, so it is the same run (fingerprint) as a fit made before the setting existed.
        Assert.Equal(TovRunState.OptionsJson(TovFixture.InstructionOptions.ForManifest()),
            TovRunState.OptionsJson((TovFixture.InstructionOptions with { Fits = 1 }).ForManifest()));
        Assert.Contains("\"fits\":2", TovRunState.OptionsJson((TovFixture.InstructionOptions with { Fits = 2 }).ForManifest()).Replace(" ", ""));
        Assert.Equal(2003, (TovFixture.InstructionOptions with { Fits = 3 }).FitSeed(2));
    }

    [Fact]
    public void Average_keeps_the_first_fits_U_and_means_each_row_over_the_fits_that_scored_it()
    {
        static ScoreRow Row(string id, bool inBase, double phi) => new()
        {
            Id = id, Source = "pool", InBase = inBase, Score = phi, PhiIdentity = phi, PhiAbs = Math.Abs(phi), PhiPositive = Math.Max(phi, 0),
        };
        var first = new List<ScoreRow> { Row("a", false, 1.0), Row("b", true, double.NaN), Row("c", false, -2.0), Row("d", false, 4.0) };
        var second = new List<ScoreRow> { Row("a", false, 3.0), Row("b", false, 5.0), Row("c", false, 1.0), Row("d", true, double.NaN) };
        var rows = TovEnsemble.Average([first, second]);
        Assert.Equal(2.0, rows[0].PhiIdentity);
        Assert.Equal(2.0, rows[0].Score);
        Assert.True(rows[1].InBase);
        Assert.True(double.IsNaN(rows[1].PhiIdentity), "a row of the first fit's U stays unscored (Score+Random draws from it)");
        Assert.Equal(-0.5, rows[2].PhiIdentity);
        Assert.Equal(1.5, rows[2].PhiAbs);
        Assert.Equal(0.5, rows[2].PhiPositive);
        Assert.Equal(4.0, rows[3].PhiIdentity); // the second fit trained on it: the first fit's φ alone

        var other = new List<ScoreRow> { Row("a", false, 1), Row("x", false, 1), Row("c", false, 1), Row("d", false, 1) };
        Assert.Contains("row 1", Assert.Throws<InvalidDataException>(() => TovEnsemble.Average([first, other])).Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("same pool", Assert.Throws<InvalidDataException>(() => TovEnsemble.Average([first, other.Take(3).ToList()])).Message);
    }

    /// <summary>
    /// Two fits end to end on the instruction fixture: fit 0 is the fixture's own run (same options and seed, so the same
    /// φ), fit 1 a run of seed + 1000 in RUN/fits/1; the score file's φ is their mean, checked against each fit scored on
    /// its own. A second fit reuses both; a lost second fit is fitted again alone; shards are refused.
    /// </summary>
    [Fact]
    public void Two_fits_score_the_mean_of_each_fit_scored_alone()
    {
        var dir = Path.Combine(fixture.Root, "run-fits2");
        var options = TovFixture.InstructionOptions with { Fits = 2 };
        var request = new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], dir) { Options = options };
        var run = TovFitter.Fit(request);
        Assert.Equal(2, run.Options.FitCount);
        var second = TovRunModel.LoadComplete(run.Layout.FitDirectory(1));
        Assert.Equal(options.Seed + TovFitOptions.FitSeedStride, second.Options.Seed);
        Assert.Equal(1, second.Options.FitCount);
        Assert.NotEqual(run.State.BaseSetHash, second.State.BaseSetHash);

        var scores = Path.Combine(dir, "scores.parquet");
        var result = TovScorer.Score(new TovScoreRequest(dir, [fixture.InstructionPool], scores));
        Assert.False(File.Exists(TovScorer.FitScoresPath(scores, 0)), "the fits' own files are removed once averaged");
        Assert.False(File.Exists(TovScorer.FitScoresPath(scores, 1)));
        var footer = ScoreFile.ReadMetadata(scores);
        Assert.Equal("2", footer[TovEnsemble.FitsKey]);
        Assert.Equal(run.Manifest.Fingerprint, footer[TovScorer.FingerprintKey]);

        var alone0 = ScoreFile.Read(fixture.InstructionScores);
        var secondScores = Path.Combine(fixture.Root, "fits2-second.parquet");
        TovScorer.Score(new TovScoreRequest(second.RunDirectory, [fixture.InstructionPool], secondScores));
        var alone1 = ScoreFile.Read(secondScores);
        var mean = ScoreFile.Read(scores);
        Assert.Equal(alone0.Count, mean.Count);
        int both = 0, onlyFirst = 0;
        for (int i = 0; i < mean.Count; i++)
        {
            Assert.Equal(alone0[i].InBase, mean[i].InBase);
            if (alone0[i].InBase)
            {
                Assert.True(double.IsNaN(mean[i].PhiIdentity));
                continue;
            }
            if (alone1[i].InBase)
            {
                Assert.Equal(alone0[i].PhiIdentity, mean[i].PhiIdentity, 1e-9);
                onlyFirst++;
            }
            else
            {
                Assert.Equal((alone0[i].PhiIdentity + alone1[i].PhiIdentity) / 2, mean[i].PhiIdentity, 1e-9);
                Assert.Equal((alone0[i].Score + alone1[i].Score) / 2, mean[i].Score, 1e-9);
                both++;
            }
        }
        Assert.True(both > 50 && onlyFirst > 0, $"{both} rows scored by both fits, {onlyFirst} by the first alone");
        Assert.Equal(mean.Count(r => !r.InBase && double.IsFinite(r.Score)), result.Scored);

        // explain shows the first fit's Δ and says the file's φ is the mean: the first fit's φ, not the file's, is recomputed.
        using (var explainer = TovExplainer.Open(dir, scores))
        {
            Assert.Equal(2, explainer.Fits);
            var top = explainer.Top(3);
            foreach (var e in explainer.Explain(top))
            {
                Assert.Equal(2, e.Fits);
                Assert.Equal(alone0[(int)e.Row].PhiIdentity, e.Recomputed!.PhiIdentity, 1e-5);
                Assert.Equal(mean[(int)e.Row].PhiIdentity, e.File.PhiIdentity);
            }
        }

        var messages = new List<string>();
        Assert.True(TovFitter.Fit(request, new Progress(messages)).Reused);
        Assert.DoesNotContain(messages, m => m.Contains("epoch 1/", StringComparison.Ordinal));

        Directory.Delete(run.Layout.FitDirectory(1), recursive: true);
        messages.Clear();
        var again = TovFitter.Fit(request, new Progress(messages));
        Assert.False(again.Reused);
        Assert.Contains(messages, m => m.StartsWith("fit 1/2: ", StringComparison.Ordinal) && m.Contains("reusing", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("fit 2/2: epoch 1/", StringComparison.Ordinal));
        Assert.Equal(second.State.BaseSetHash, TovRunModel.LoadComplete(run.Layout.FitDirectory(1)).State.BaseSetHash);

        Assert.Contains("without --shard", Assert.Throws<ArgumentException>(() =>
            TovScorer.Score(new TovScoreRequest(dir, [fixture.InstructionPool], Path.Combine(dir, "shard.parquet")) { Shard = new Shard(0, 2) })).Message);
    }

    private sealed class Progress(List<string> messages) : IProgress<string>
    {
        public void Report(string value) => messages.Add(value);
    }
}
