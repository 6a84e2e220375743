using System.Text.Json.Serialization;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;

namespace Winnow.Core.Tests.Scoring;

/// <summary>A method's own row type with extra columns still reads as a base score file, and the shared select stage works on it.</summary>
public sealed class MethodColumnsTests
{
    private sealed class DistanceRow : ScoreRow
    {
        [JsonPropertyName("nearest_distance")] public double NearestDistance { get; set; }
        [JsonPropertyName("neighbours")] public int Neighbours { get; set; }
    }

    [Fact]
    public void Extra_columns_round_trip_and_the_base_columns_read_back_for_selection()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "scores.parquet");
        var pool = Path.Combine(dir.Path, "pool.jsonl");
        File.WriteAllLines(pool, Enumerable.Range(0, 12).Select(i => $$"""{"id":"ex{{i}}","prompt":"p{{i}}","completion":"c{{i}}"}"""));
        string source = Winnow.Core.Data.DatasetReader.Read([pool]).First().Source;
        var rows = Enumerable.Range(0, 12).Select(i => new DistanceRow
        {
            Row = i, Id = $"ex{i}", Source = source, Length = 3, Score = i, NearestDistance = 0.5 * i, Neighbours = i % 3,
        }).ToList();
        ScoreFile.Write(path, rows, new Dictionary<string, string> { [ScoreFile.MethodKey] = "test" });

        var own = ScoreFile.Read<DistanceRow>(path);
        Assert.Equal(rows.Select(r => r.NearestDistance), own.Select(r => r.NearestDistance));
        Assert.Equal(rows.Select(r => r.Neighbours), own.Select(r => r.Neighbours));
        var base_ = ScoreFile.Read(path);
        Assert.Equal(rows.Select(r => r.Score), base_.Select(r => r.Score));
        Assert.Equal(rows.Select(r => r.Id), base_.Select(r => r.Id));

        var subset = SubsetSelector.Select(new SubsetRequest(path, [pool], 3, Path.Combine(dir.Path, "subset.jsonl")) { Strategy = SelectionStrategy.ScoreOnly, Bins = 1 });
        Assert.Equal(3, subset.Selected);
        Assert.All(File.ReadAllLines(subset.OutputPath), l => Assert.Matches("\"ex(9|10|11)\"", l));
    }

    [Fact]
    public void SampleLog_is_seeded_skips_nan_and_draws_in_proportion_to_exp_of_the_log_weight()
    {
        // Two candidates with weights 9:1 in log space, far outside exp's range; one NaN that must never be drawn.
        var candidates = new[] { new Candidate(0, 1, 1000 + Math.Log(9), false), new Candidate(1, 1, 1000, false), new Candidate(2, 1, double.NaN, false) };
        int first = 0;
        for (int seed = 0; seed < 2000; seed++)
        {
            var picked = Selector.Select(candidates, new SelectionOptions(1, SelectionStrategy.SampleLog, seed: seed)).Indices;
            Assert.NotEqual(2, picked[0]);
            if (picked[0] == 0) first++;
        }
        Assert.InRange(first / 2000.0, 0.87, 0.93);
        var a = Selector.Select(candidates, new SelectionOptions(2, SelectionStrategy.SampleLog, seed: 5)).Indices;
        Assert.Equal(a, Selector.Select(candidates, new SelectionOptions(2, SelectionStrategy.SampleLog, seed: 5)).Indices);
        Assert.Throws<ArgumentException>(() => Selector.Select(candidates, new SelectionOptions(3, SelectionStrategy.SampleLog)));
    }
}
