using Winnow.Core.Progress;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Torch.Methods.Tov;
using Xunit.Abstractions;

namespace Winnow.Torch.Tests.Methods.Tov;

/// <summary>
/// The pool-kinship test ToV's NER fit runs for <c>bin_weights=auto</c> (docs/tov-defaults.md, "Target-weighted bins
/// where the pool holds the target's kind"), on cases whose answer is known, and how its result reaches the score file.
/// </summary>
[Collection(TovCollection.Name)]
public sealed class TovKinshipTests(TovFixture fixture, ITestOutputHelper output)
{
    private double? FitAndScore(string name, string pool, string model, string target, TovFitOptions options)
    {
        var dir = Path.Combine(fixture.Root, name);
        var run = TovFitter.Fit(new TovFitRequest(model, [target], [pool], dir) { Options = options });
        var scores = Path.Combine(dir, "scores.parquet");
        TovScorer.Score(new TovScoreRequest(dir, [pool], scores));
        var share = ScoreFile.PoolNearerShare(scores);
        output.WriteLine($"{name}: pool nearer share {share}");
        Assert.Equal(run.State.PoolNearerShare, share is { } s && double.IsNaN(s) ? null : share);
        return share;
    }

    private static void WriteRows(string path, IEnumerable<(string[] Tokens, string[] Tags)> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, rows.Select((r, i) => System.Text.Json.JsonSerializer.Serialize(new { id = $"r{i}", tokens = r.Tokens, tags = r.Tags })));
    }

    private static readonly string[] Names = ["Anna", "Boris", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Karin", "Lars"];

    /// <summary>
    /// Under <c>fixture.Root/name</c>: a target of 12 distinct people sentences, a pool of their exact copies beside 24
    /// sentences of an unrelated template (the fixture's places), and a pool of only those places.
    /// </summary>
    private (string Target, string WithCopies, string PlacesOnly) PeoplePools(string name)
    {
        var people = Names.Select((n, i) => (new[] { "Yesterday", n, "met", Names[(i + 5) % Names.Length], "at", "the", "station", "." },
            new[] { "O", "B-PER", "O", "B-PER", "O", "O", "O", "O" })).ToArray();
        var root = Path.Combine(fixture.Root, name);
        var target = Path.Combine(root, "target");
        WriteRows(Path.Combine(target, "people.jsonl"), people);
        var withCopies = Path.Combine(root, "pool-copies");
        WriteRows(Path.Combine(withCopies, "copies.jsonl"), people);
        File.Copy(Path.Combine(fixture.NerPool, "places.jsonl"), Path.Combine(withCopies, "places.jsonl"), overwrite: true);
        var placesOnly = Path.Combine(root, "pool-places");
        Directory.CreateDirectory(placesOnly);
        File.Copy(Path.Combine(fixture.NerPool, "places.jsonl"), Path.Combine(placesOnly, "places.jsonl"), overwrite: true);
        return (target, withCopies, placesOnly);
    }

    /// <summary>
    /// A target of 12 distinct people sentences; one pool holds exact copies of them beside 24 sentences of an unrelated
    /// template (the fixture's places), the other only those places. Every target row's copy is nearer than any other
    /// target row can be, so the first pool holds the target's kind by the widest margin; the second does not.
    /// </summary>
    [Fact]
    public void An_NER_fit_finds_the_targets_kind_in_a_pool_of_its_copies_and_not_in_an_unrelated_one()
    {
        var (target, withCopies, placesOnly) = PeoplePools("kinship");
        var options = TovFixture.NerOptions with { Epochs = 1, BaseSize = 8 };

        double holds = FitAndScore("kinship-ner-copies", withCopies, fixture.BertModel, target, options)!.Value;
        double lacks = FitAndScore("kinship-ner-places", placesOnly, fixture.BertModel, target, options)!.Value;
        Assert.Equal(1.0, holds);
        // Each target row's nearest pool row is its own copy (the copies file is read first: rows 0-11).
        var neighbours = TovRunModel.LoadComplete(Path.Combine(fixture.Root, "kinship-ner-copies")).State.TargetNeighbours!;
        Assert.Equal(Names.Length * TovFitter.TargetNeighbourCount, neighbours.Count);
        Assert.Equal(Enumerable.Range(0, Names.Length).Select(i => (long)i), Enumerable.Range(0, Names.Length).Select(i => neighbours[i * TovFitter.TargetNeighbourCount]));
        Assert.Equal(neighbours, ScoreFile.TargetNeighbours(Path.Combine(fixture.Root, "kinship-ner-copies", "scores.parquet")));
        Assert.True(PoolKinship.HoldsTargetKind(holds));
        Assert.False(PoolKinship.HoldsTargetKind(lacks), $"places only: {lacks}");
    }

    /// <summary>
    /// aggregate=auto (docs/tov-defaults.md, "Summed φ where the pool holds the target's kind") scores as the sum where
    /// the fit found the target's kind in the pool and as the mean where it did not or did not measure it; the footer
    /// records the aggregation used (which the selection's bins follow) beside the one asked for.
    /// </summary>
    [Fact]
    public void Auto_aggregation_is_the_sum_where_the_pool_holds_the_targets_kind_and_the_mean_elsewhere()
    {
        var root = Path.Combine(fixture.Root, "kinship-auto");
        var (target, withCopies, placesOnly) = PeoplePools("kinship-auto");
        var ner = TovFixture.NerOptions with { BaseSize = 8 };

        (TovAggregation Used, double[] Auto, double[] Sum, double[] Mean) Scored(string name, string model, string pool, string target, TovFitOptions options)
        {
            var dir = Path.Combine(root, name);
            TovFitter.Fit(new TovFitRequest(model, [target], [pool], dir) { Options = options });
            double[] Scores(TovAggregation a, string file)
            {
                var path = Path.Combine(dir, file);
                TovScorer.Score(new TovScoreRequest(dir, [pool], path) { Aggregation = a });
                return ScoreFile.Read(path).Where(r => !r.InBase).Select(r => r.PhiIdentity).ToArray();
            }
            var auto = Scores(TovAggregation.Auto, "auto.parquet");
            var footer = ScoreFile.ReadMetadata(Path.Combine(dir, "auto.parquet"));
            Assert.Equal("auto", footer[TovScorer.AggregationRequestedKey]);
            return (TovMethod.ParseAggregation(footer[TovScorer.AggregationKey]), auto, Scores(TovAggregation.Sum, "sum.parquet"), Scores(TovAggregation.Mean, "mean.parquet"));
        }

        var holds = Scored("copies", fixture.BertModel, withCopies, target, ner);
        Assert.Equal(TovAggregation.Sum, holds.Used);
        Assert.Equal(holds.Sum, holds.Auto);
        Assert.NotEqual(holds.Mean, holds.Auto);
        var lacks = Scored("places", fixture.BertModel, placesOnly, target, ner);
        Assert.Equal(TovAggregation.Mean, lacks.Used);
        Assert.Equal(lacks.Mean, lacks.Auto);
        Assert.NotEqual(lacks.Sum, lacks.Auto);
        var unmeasured = Scored("instruction", fixture.LlamaModel, fixture.InstructionPool, fixture.InstructionTarget, TovFixture.InstructionOptions);
        Assert.Equal(TovAggregation.Mean, unmeasured.Used);
        Assert.Equal(unmeasured.Mean, unmeasured.Auto);
        Assert.NotEqual(unmeasured.Sum, unmeasured.Auto);
        // A score file asked for the mean or the sum says nothing of what was asked: it is what was used.
        Assert.False(ScoreFile.ReadMetadata(Path.Combine(root, "copies", "sum.parquet")).ContainsKey(TovScorer.AggregationRequestedKey));
        Assert.Equal(TovAggregation.Auto, TovMethod.ParseAggregation("auto"));
        Assert.Equal(TovAggregation.Sum, TovScorer.ResolveAggregation(TovAggregation.Auto, PoolKinship.Threshold));
        Assert.Equal(TovAggregation.Mean, TovScorer.ResolveAggregation(TovAggregation.Auto, 0.49));
        Assert.Equal(TovAggregation.LabelBalanced, TovScorer.ResolveAggregation(TovAggregation.LabelBalanced, 0.9));
    }

    /// <summary>
    /// An ensemble (fits = 2) scores every fit as fit 0 resolves auto, and its averaged file says auto was asked for,
    /// as a single fit's does: the fits' own files, scored with auto already resolved, do not carry it.
    /// </summary>
    [Fact]
    public void An_ensembles_score_file_records_that_auto_was_asked_for()
    {
        var (target, withCopies, _) = PeoplePools("kinship-fits");
        var dir = Path.Combine(fixture.Root, "kinship-fits", "run");
        TovFitter.Fit(new TovFitRequest(fixture.BertModel, [target], [withCopies], dir)
        {
            Options = TovFixture.NerOptions with { Epochs = 1, BaseSize = 8, Fits = 2, Aggregation = TovAggregation.Auto },
        });
        var path = Path.Combine(dir, "scores.parquet");
        var messages = new List<string>();
        TovScorer.Score(new TovScoreRequest(dir, [withCopies], path), new SynchronousProgress<string>(messages.Add));
        var footer = ScoreFile.ReadMetadata(path);
        Assert.Equal("2", footer[TovEnsemble.FitsKey]);
        Assert.Equal("auto", footer[TovScorer.AggregationRequestedKey]);
        Assert.Equal("sum", footer[TovScorer.AggregationKey]);
        Assert.Single(messages, m => m.StartsWith("aggregate=auto: sum", StringComparison.Ordinal));
    }

    /// <summary>Instruction tuning does not measure it (target-weighted bins were not measured there): auto keeps equal bins.</summary>
    [Fact]
    public void An_instruction_fit_records_the_test_as_unmeasured()
    {
        double? share = FitAndScore("kinship-instruction", fixture.InstructionPool, fixture.LlamaModel, fixture.InstructionTarget,
            TovFixture.InstructionOptions with { Epochs = 1 });
        Assert.True(share is { } s && double.IsNaN(s), $"share {share}");
    }
}
