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

    /// <summary>
    /// A target of 12 distinct people sentences; one pool holds exact copies of them beside 24 sentences of an unrelated
    /// template (the fixture's places), the other only those places. Every target row's copy is nearer than any other
    /// target row can be, so the first pool holds the target's kind by the widest margin; the second does not.
    /// </summary>
    [Fact]
    public void An_NER_fit_finds_the_targets_kind_in_a_pool_of_its_copies_and_not_in_an_unrelated_one()
    {
        string[] names = ["Anna", "Boris", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Karin", "Lars"];
        var people = names.Select((n, i) => (new[] { "Yesterday", n, "met", names[(i + 5) % names.Length], "at", "the", "station", "." },
            new[] { "O", "B-PER", "O", "B-PER", "O", "O", "O", "O" })).ToArray();
        var root = Path.Combine(fixture.Root, "kinship");
        var target = Path.Combine(root, "target");
        WriteRows(Path.Combine(target, "people.jsonl"), people);
        var withCopies = Path.Combine(root, "pool-copies");
        WriteRows(Path.Combine(withCopies, "copies.jsonl"), people);
        Directory.CreateDirectory(withCopies);
        File.Copy(Path.Combine(fixture.NerPool, "places.jsonl"), Path.Combine(withCopies, "places.jsonl"), overwrite: true);
        var placesOnly = Path.Combine(root, "pool-places");
        Directory.CreateDirectory(placesOnly);
        File.Copy(Path.Combine(fixture.NerPool, "places.jsonl"), Path.Combine(placesOnly, "places.jsonl"), overwrite: true);
        var options = TovFixture.NerOptions with { Epochs = 1, BaseSize = 8 };

        double holds = FitAndScore("kinship-ner-copies", withCopies, fixture.BertModel, target, options)!.Value;
        double lacks = FitAndScore("kinship-ner-places", placesOnly, fixture.BertModel, target, options)!.Value;
        Assert.Equal(1.0, holds);
        // Each target row's nearest pool row is its own copy (the copies file is read first: rows 0-11).
        var neighbours = TovRunModel.LoadComplete(Path.Combine(fixture.Root, "kinship-ner-copies")).State.TargetNeighbours!;
        Assert.Equal(people.Length * TovFitter.TargetNeighbourCount, neighbours.Count);
        Assert.Equal(Enumerable.Range(0, people.Length).Select(i => (long)i), Enumerable.Range(0, people.Length).Select(i => neighbours[i * TovFitter.TargetNeighbourCount]));
        Assert.Equal(neighbours, ScoreFile.TargetNeighbours(Path.Combine(fixture.Root, "kinship-ner-copies", "scores.parquet")));
        Assert.True(PoolKinship.HoldsTargetKind(holds));
        Assert.False(PoolKinship.HoldsTargetKind(lacks), $"places only: {lacks}");
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
