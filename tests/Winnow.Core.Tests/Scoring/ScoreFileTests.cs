using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;

namespace Winnow.Core.Tests.Scoring;

public sealed class ScoreFileTests
{
    private static ScoreRow Row(long i, bool inBase = false) => new()
    {
        Row = i, Id = $"ex{i}", Source = i % 2 == 0 ? "pool/a" : "pool/b", Length = 10 + (int)i, Predicted = 3 + (int)(i % 4), InBase = inBase,
        Score = inBase ? double.NaN : i * 0.5, PhiIdentity = inBase ? double.NaN : i * 0.5, PhiAbs = inBase ? double.NaN : i * 0.75,
        PhiPositive = inBase ? double.NaN : i * 0.6, PhiIdentityEpochs = inBase ? [] : [i * 0.25, i * 0.75],
    };

    [Fact]
    public void Rows_round_trip_with_every_column_and_the_schema_in_the_footer()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "scores.parquet");
        var rows = Enumerable.Range(0, 9).Select(i => Row(i, inBase: i % 3 == 0)).ToList();
        Assert.Equal(9, ScoreFile.Write(path, rows, new Dictionary<string, string> { ["winnow.method"] = "tov" }));

        var back = ScoreFile.Read(path);
        Assert.Equal(JsonSerializer.Serialize(rows, Options), JsonSerializer.Serialize(back, Options));
        var metadata = ScoreFile.ReadMetadata(path);
        Assert.Equal(ScoreRow.Schema, metadata[ScoreFile.SchemaKey]);
        Assert.Equal("tov", metadata["winnow.method"]);
    }

    private static readonly JsonSerializerOptions Options = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    [Fact]
    public async Task Column_names_are_the_documented_schema()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "scores.parquet");
        ScoreFile.Write(path, [Row(1)]);
        await using var reader = await Parquet.ParquetReader.CreateAsync(path);
        var names = reader.Schema.Fields.Select(f => f.Name).ToArray();
        Assert.Equal(["row", "id", "source", "length", "predicted", "in_base", "score", "phi_identity", "phi_abs", "phi_positive", "phi_identity_epochs"], names);
    }

    [Fact]
    public void An_empty_score_file_reads_as_no_rows()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "scores.parquet");
        ScoreFile.Write(path, []);
        Assert.Empty(ScoreFile.Read(path));
    }

    [Fact]
    public async Task A_parquet_file_that_is_not_a_score_file_is_refused()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "examples.parquet");
        await ExampleParquet.WriteAsync(path, [new InstructionExample("a", "s", "p", "c")]);
        var error = Assert.Throws<InvalidDataException>(() => ScoreFile.Read(path));
        Assert.Contains("not a Winnow score file", error.Message);
    }

    [Fact]
    public void Selection_writes_the_chosen_examples_a_side_file_and_a_summary()
    {
        using var dir = new TempDir();
        var pool = Path.Combine(dir.Path, "pool.jsonl");
        var examples = Enumerable.Range(0, 12).Select(i => new InstructionExample($"ex{i}", "pool", $"prompt {i}", $"answer {i}")).ToList();
        ExampleJsonl.Write(pool, examples);
        var source = DatasetReader.Read([pool]).First().Source;
        var scores = Path.Combine(dir.Path, "scores.parquet");
        ScoreFile.Write(scores, Enumerable.Range(0, 12).Select(i => new ScoreRow
        {
            Row = i, Id = $"ex{i}", Source = source, Length = 5, Predicted = 2, InBase = i < 4, Score = i < 4 ? double.NaN : i,
        }));

        var result = SubsetSelector.Select(new SubsetRequest(scores, [pool], 6, Path.Combine(dir.Path, "subset.parquet")) { Strategy = SelectionStrategy.ScoreRandom, Bins = 1, Seed = 1 });

        Assert.Equal(6, result.Selected);
        var subset = ExampleParquet.Read(result.OutputPath).Select(e => e.Id).ToHashSet();
        Assert.Equal(6, subset.Count);
        Assert.Superset(new HashSet<string> { "ex9", "ex10", "ex11" }, subset);
        Assert.Equal(3, subset.Count(id => int.Parse(id[2..]) < 4));
        Assert.Equal(6, File.ReadAllLines(result.ScoresSidePath).Length);
        Assert.EndsWith("subset.scores.jsonl", result.ScoresSidePath);
        using var summary = JsonDocument.Parse(File.ReadAllText(result.SummaryPath));
        Assert.Equal(6, summary.RootElement.GetProperty("by_source").GetProperty(source).GetInt32());
    }

    /// <summary>A pool file of 8 instruction rows ex0–ex7, and the source name the reader gives them.</summary>
    private static (string Pool, string Source) EightRowPool(TempDir dir)
    {
        var pool = Path.Combine(dir.Path, "pool.jsonl");
        ExampleJsonl.Write(pool, Enumerable.Range(0, 8).Select(i => new InstructionExample($"ex{i}", "pool", $"prompt {i}", $"answer {i}")));
        return (pool, DatasetReader.Read([pool]).First().Source);
    }

    [Fact]
    public void Target_weighted_bins_read_the_targets_lengths_from_the_footer_and_refuse_a_file_without_them()
    {
        // Rows 0-3 complete in 2 tokens and score higher; rows 4-7 in 10. A target whose completions are all 10 tokens
        // long puts the whole budget in the long bin; equal bins take two of each.
        using var dir = new TempDir();
        var (pool, source) = EightRowPool(dir);
        var rows = Enumerable.Range(0, 8).Select(i => new ScoreRow
        {
            Row = i, Id = $"ex{i}", Source = source, Length = 20, Predicted = i < 4 ? 2 : 10, Score = i < 4 ? 10 + i : i,
        }).ToList();
        var scores = Path.Combine(dir.Path, "scores.parquet");
        ScoreFile.Write(scores, rows, new Dictionary<string, string>
        {
            [ScoreFile.TargetLengthsKey] = ScoreFile.FormatLengths([30, 31, 32]),
            [ScoreFile.TargetPredictedKey] = ScoreFile.FormatLengths([10, 10, 11]),
        });
        string? weightsInSummary = null;
        string[] Picked(string file, BinWeights weights, string name)
        {
            var result = SubsetSelector.Select(new SubsetRequest(file, [pool], 4, Path.Combine(dir.Path, name))
            {
                Strategy = SelectionStrategy.ScoreOnly, Bins = 2, BinBy = BinLength.Predicted, BinWeights = weights,
            });
            using var summary = JsonDocument.Parse(File.ReadAllText(result.SummaryPath));
            weightsInSummary = summary.RootElement.TryGetProperty("bin_weights", out var w) ? w.GetString() : null;
            return ExampleParquet.Read(result.OutputPath).Select(e => e.Id).Order(StringComparer.Ordinal).ToArray();
        }

        Assert.Equal(["ex2", "ex3", "ex6", "ex7"], Picked(scores, BinWeights.Equal, "equal.parquet"));
        Assert.Null(weightsInSummary);
        Assert.Equal(["ex4", "ex5", "ex6", "ex7"], Picked(scores, BinWeights.Target, "target.parquet"));
        Assert.Equal("target", weightsInSummary);

        var bare = Path.Combine(dir.Path, "bare.parquet");
        ScoreFile.Write(bare, rows);
        var error = Assert.Throws<ArgumentException>(() => Picked(bare, BinWeights.Target, "from-bare.parquet"));
        Assert.Contains("bare.parquet", error.Message);
        Assert.Contains("no target lengths", error.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, "from-bare.parquet")));

        var broken = Path.Combine(dir.Path, "broken.parquet");
        ScoreFile.Write(broken, rows, new Dictionary<string, string> { [ScoreFile.TargetPredictedKey] = "10,ten,11" });
        var bad = Assert.Throws<InvalidDataException>(() => Picked(broken, BinWeights.Target, "from-broken.parquet"));
        Assert.Contains("broken.parquet", bad.Message);
        Assert.Contains(ScoreFile.TargetPredictedKey, bad.Message);
        Assert.Contains("'ten'", bad.Message);
    }

    [Fact]
    public void Auto_bin_weights_follow_the_footers_pool_kinship_share_and_refuse_a_file_without_one()
    {
        // The same eight rows as above: the target's completions are all long, so target weights take the long bin only.
        using var dir = new TempDir();
        var (pool, source) = EightRowPool(dir);
        var rows = Enumerable.Range(0, 8).Select(i => new ScoreRow
        {
            Row = i, Id = $"ex{i}", Source = source, Length = 20, Predicted = i < 4 ? 2 : 10, Score = i < 4 ? 10 + i : i,
        }).ToList();
        string File(string name, string? share)
        {
            var path = Path.Combine(dir.Path, name);
            var footer = new Dictionary<string, string>
            {
                [ScoreFile.TargetLengthsKey] = ScoreFile.FormatLengths([30, 31, 32]),
                [ScoreFile.TargetPredictedKey] = ScoreFile.FormatLengths([10, 10, 11]),
            };
            if (share is not null) footer[ScoreFile.PoolNearerShareKey] = share;
            ScoreFile.Write(path, rows, footer);
            return path;
        }
        JsonElement summaryRoot = default;
        string[] Picked(string file, BinWeights weights, string name)
        {
            var result = SubsetSelector.Select(new SubsetRequest(file, [pool], 4, Path.Combine(dir.Path, name))
            {
                Strategy = SelectionStrategy.ScoreOnly, Bins = 2, BinBy = BinLength.Predicted, BinWeights = weights,
            });
            summaryRoot = JsonDocument.Parse(System.IO.File.ReadAllText(result.SummaryPath)).RootElement.Clone();
            return ExampleParquet.Read(result.OutputPath).Select(e => e.Id).Order(StringComparer.Ordinal).ToArray();
        }
        var equal = Picked(File("plain.parquet", null), BinWeights.Equal, "equal.parquet");
        var target = Picked(File("plain-t.parquet", null), BinWeights.Target, "target.parquet");
        Assert.NotEqual(equal, target);

        // A majority (the threshold itself included) chooses the target's weights; below it, equal ones.
        Assert.Equal(target, Picked(File("kin.parquet", "0.75"), BinWeights.Auto, "auto-kin.parquet"));
        Assert.Equal("auto: target", summaryRoot.GetProperty("bin_weights").GetString());
        Assert.Equal(0.75, summaryRoot.GetProperty("pool_nearer_share").GetDouble());
        Assert.Equal(target, Picked(File("half.parquet", "0.5"), BinWeights.Auto, "auto-half.parquet"));
        Assert.Equal(equal, Picked(File("far.parquet", "0.25"), BinWeights.Auto, "auto-far.parquet"));
        Assert.Equal("auto: equal", summaryRoot.GetProperty("bin_weights").GetString());
        Assert.Equal(0.25, summaryRoot.GetProperty("pool_nearer_share").GetDouble());
        // A fit that did not measure it (instruction tuning) keeps equal bins, and says so without a share.
        Assert.Equal(equal, Picked(File("unmeasured.parquet", ScoreFile.PoolKinshipUnmeasured), BinWeights.Auto, "auto-unmeasured.parquet"));
        Assert.Equal("auto: equal", summaryRoot.GetProperty("bin_weights").GetString());
        Assert.False(summaryRoot.TryGetProperty("pool_nearer_share", out _));

        var error = Assert.Throws<ArgumentException>(() => Picked(File("old.parquet", null), BinWeights.Auto, "auto-old.parquet"));
        Assert.Contains("old.parquet", error.Message);
        Assert.Contains(ScoreFile.PoolNearerShareKey, error.Message);
        Assert.False(System.IO.File.Exists(Path.Combine(dir.Path, "auto-old.parquet")));
        var bad = Assert.Throws<InvalidDataException>(() => Picked(File("bad.parquet", "1.5"), BinWeights.Auto, "auto-bad.parquet"));
        Assert.Contains("bad.parquet", bad.Message);
        Assert.Contains("'1.5'", bad.Message);
    }

    [Fact]
    public void Neighbour_weighted_bins_weight_by_the_listed_rows_lengths_and_refuse_a_file_without_them()
    {
        // Rows 0-3 short (2 predicted tokens) and scoring higher, 4-7 long: neighbours that are long rows put the budget
        // in the long bin, as target weights do; short ones in the short bin.
        using var dir = new TempDir();
        var (pool, source) = EightRowPool(dir);
        var rows = Enumerable.Range(0, 8).Select(i => new ScoreRow
        {
            Row = i, Id = $"ex{i}", Source = source, Length = 20, Predicted = i < 4 ? 2 : 10, Score = i < 4 ? 10 + i : i,
        }).ToList();
        string File(string name, string? neighbours)
        {
            var path = Path.Combine(dir.Path, name);
            ScoreFile.Write(path, rows, neighbours is null ? null : new Dictionary<string, string> { [ScoreFile.TargetNeighboursKey] = neighbours });
            return path;
        }
        string? weightsInSummary = null;
        string[] Picked(string file, BinWeights weights, string name)
        {
            var result = SubsetSelector.Select(new SubsetRequest(file, [pool], 4, Path.Combine(dir.Path, name))
            {
                Strategy = SelectionStrategy.ScoreOnly, Bins = 2, BinBy = BinLength.Predicted, BinWeights = weights,
            });
            using var summary = JsonDocument.Parse(System.IO.File.ReadAllText(result.SummaryPath));
            weightsInSummary = summary.RootElement.TryGetProperty("bin_weights", out var w) ? w.GetString() : null;
            return ExampleParquet.Read(result.OutputPath).Select(e => e.Id).Order(StringComparer.Ordinal).ToArray();
        }

        Assert.Equal(["ex4", "ex5", "ex6", "ex7"], Picked(File("long.parquet", "5,6,4,7,7,6"), BinWeights.Neighbours, "long-n.parquet"));
        Assert.Equal("neighbours", weightsInSummary);
        Assert.Equal(["ex0", "ex1", "ex2", "ex3"], Picked(File("short.parquet", "0,1,2,3"), BinWeights.Neighbours, "short-n.parquet"));
        // Three short, one long: three quarters of the budget from the short bin.
        Assert.Equal(["ex1", "ex2", "ex3", "ex7"], Picked(File("mixed.parquet", "0,1,2,6"), BinWeights.Neighbours, "mixed-n.parquet"));

        var missing = Assert.Throws<ArgumentException>(() => Picked(File("none.parquet", null), BinWeights.Neighbours, "none-n.parquet"));
        Assert.Contains("none.parquet", missing.Message);
        Assert.Contains(ScoreFile.TargetNeighboursKey, missing.Message);
        var malformed = Assert.Throws<InvalidDataException>(() => Picked(File("bad.parquet", "1,two"), BinWeights.Neighbours, "bad-n.parquet"));
        Assert.Contains("'two'", malformed.Message);
        var elsewhere = Assert.Throws<InvalidDataException>(() => Picked(File("elsewhere.parquet", "40,41"), BinWeights.Neighbours, "elsewhere-n.parquet"));
        Assert.Contains("elsewhere.parquet", elsewhere.Message);
        Assert.Equal("neighbours", SubsetSelector.BinWeightsName(SubsetSelector.ParseBinWeights("neighbors")));
    }

    [Fact]
    public void Share_fill_takes_the_targets_nearest_rows_by_rank_and_auto_follows_the_kinship_share()
    {
        // Rows 0-3 are U; 4-7 are scored by index, so with one bin the scored half of a budget of 4 is ex7 and ex6. Two
        // target rows, three nearest pool rows each: ex7, ex5, ex1 and ex4, ex5, ex2.
        using var dir = new TempDir();
        var (pool, source) = EightRowPool(dir);
        var rows = Enumerable.Range(0, 8).Select(i => new ScoreRow
        {
            Row = i, Id = $"ex{i}", Source = source, Length = 20, Predicted = 5, InBase = i < 4, Score = i < 4 ? double.NaN : i,
        }).ToList();
        string File(string name, string? neighbours, string? share, int targetRows = 2)
        {
            var path = Path.Combine(dir.Path, name);
            var footer = new Dictionary<string, string> { [ScoreFile.TargetLengthsKey] = ScoreFile.FormatLengths(Enumerable.Repeat(20, targetRows)) };
            if (neighbours is not null) footer[ScoreFile.TargetNeighboursKey] = neighbours;
            if (share is not null) footer[ScoreFile.PoolNearerShareKey] = share;
            ScoreFile.Write(path, rows, footer);
            return path;
        }
        JsonElement summary = default;
        Dictionary<string, string> reasons = [];
        string[] Picked(string file, ShareFill fill, string name, int budget = 4, SelectionStrategy strategy = SelectionStrategy.ScoreRandom)
        {
            var result = SubsetSelector.Select(new SubsetRequest(file, [pool], budget, Path.Combine(dir.Path, "out-" + name))
            {
                Strategy = strategy, Bins = 1, RandomShare = strategy == SelectionStrategy.ScoreRandom ? 0.5 : null, ShareFill = fill, Seed = 5,
            });
            summary = JsonDocument.Parse(System.IO.File.ReadAllText(result.SummaryPath)).RootElement.Clone();
            reasons = System.IO.File.ReadAllLines(result.ScoresSidePath).Select(l => JsonDocument.Parse(l).RootElement)
                .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("picked_by").GetString()!);
            return ExampleParquet.Read(result.OutputPath).Select(e => e.Id).Order(StringComparer.Ordinal).ToArray();
        }
        const string Nearest = "7,5,1,4,5,2";

        // Every target row's nearest first (ex7 is scored already, so ex4), then the second nearest (ex5).
        Assert.Equal(["ex4", "ex5", "ex6", "ex7"], Picked(File("n.parquet", Nearest, null), ShareFill.Neighbours, "n.parquet"));
        Assert.Equal("neighbours", summary.GetProperty("share_fill").GetString());
        Assert.Equal((2, 0), (summary.GetProperty("from_neighbours").GetInt32(), summary.GetProperty("from_random").GetInt32()));
        Assert.Equal(("neighbour", "score"), (reasons["ex4"], reasons["ex7"]));
        // A larger share reaches the third rank: both of its rows, ex1 and ex2.
        Assert.Equal(["ex1", "ex2", "ex4", "ex5", "ex6", "ex7"], Picked(File("n6.parquet", Nearest, null), ShareFill.Neighbours, "n6.parquet", budget: 6));

        var random = Picked(File("r.parquet", Nearest, null), ShareFill.Random, "r.parquet");
        Assert.All(random.Where(id => id is not ("ex6" or "ex7")), id => Assert.Contains(id, new[] { "ex0", "ex1", "ex2", "ex3" }));
        Assert.False(summary.TryGetProperty("share_fill", out _));
        Assert.False(summary.TryGetProperty("from_neighbours", out _));

        // auto: the target's nearest rows at a majority (the threshold included); below it, and unmeasured, U as random does.
        Assert.Equal(["ex4", "ex5", "ex6", "ex7"], Picked(File("kin.parquet", Nearest, "0.5"), ShareFill.Auto, "auto-kin.parquet"));
        Assert.Equal("auto: neighbours", summary.GetProperty("share_fill").GetString());
        Assert.Equal(0.5, summary.GetProperty("pool_nearer_share").GetDouble());
        Assert.Equal(random, Picked(File("far.parquet", Nearest, "0.25"), ShareFill.Auto, "auto-far.parquet"));
        Assert.Equal("auto: random", summary.GetProperty("share_fill").GetString());
        Assert.Equal(random, Picked(File("unmeasured.parquet", null, ScoreFile.PoolKinshipUnmeasured), ShareFill.Auto, "auto-unmeasured.parquet"));
        // Score-Only has no share to fill: auto does nothing there, an explicit neighbours is refused.
        Assert.Equal(["ex4", "ex5", "ex6", "ex7"], Picked(File("only.parquet", null, null), ShareFill.Auto, "auto-only.parquet", strategy: SelectionStrategy.ScoreOnly));
        Assert.False(summary.TryGetProperty("share_fill", out _));
        var notSplit = Assert.Throws<ArgumentException>(() => Picked(File("only-n.parquet", Nearest, null), ShareFill.Neighbours, "only-n.parquet", strategy: SelectionStrategy.ScoreOnly));
        Assert.Contains("score-only", notSplit.Message);

        var noShare = Assert.Throws<ArgumentException>(() => Picked(File("old.parquet", Nearest, null), ShareFill.Auto, "auto-old.parquet"));
        Assert.Contains("old.parquet", noShare.Message);
        Assert.Contains(ScoreFile.PoolNearerShareKey, noShare.Message);
        var noList = Assert.Throws<ArgumentException>(() => Picked(File("none.parquet", null, null), ShareFill.Neighbours, "none.parquet"));
        Assert.Contains("none.parquet", noList.Message);
        Assert.Contains(ScoreFile.TargetNeighboursKey, noList.Message);
        var uneven = Assert.Throws<InvalidDataException>(() => Picked(File("uneven.parquet", Nearest, null, targetRows: 4), ShareFill.Neighbours, "uneven.parquet"));
        Assert.Contains("uneven.parquet", uneven.Message);
        Assert.Contains("4", uneven.Message);
        Assert.False(System.IO.File.Exists(Path.Combine(dir.Path, "out-uneven.parquet")));
        Assert.Equal(ShareFill.Neighbours, SubsetSelector.ParseShareFill("neighbors"));
        Assert.Contains("expected random", Assert.Throws<ArgumentException>(() => SubsetSelector.ParseShareFill("nearest")).Message);
    }

    [Fact]
    public void Bins_on_predicted_tokens_take_the_top_of_each_completion_length_not_the_short_completions()
    {
        // Rows read 20 or 21 tokens, alternately; completions are 2 tokens (rows 0-3) or 10 (rows 4-7), and the short ones
        // score higher (as φ, a mean over the completion, does). Two bins on tokens read each hold both completion
        // lengths, so their tops are the short completions; two bins on predicted tokens take the best 2 of each.
        using var dir = new TempDir();
        var (pool, source) = EightRowPool(dir);
        var scores = Path.Combine(dir.Path, "scores.parquet");
        ScoreFile.Write(scores, Enumerable.Range(0, 8).Select(i => new ScoreRow
        {
            Row = i, Id = $"ex{i}", Source = source, Length = 20 + i % 2, Predicted = i < 4 ? 2 : 10, Score = i < 4 ? 10 + i : i,
        }));
        string[] Picked(BinLength by, string name)
        {
            var result = SubsetSelector.Select(new SubsetRequest(scores, [pool], 4, Path.Combine(dir.Path, name))
            {
                Strategy = SelectionStrategy.ScoreOnly, Bins = 2, BinBy = by,
            });
            using var summary = JsonDocument.Parse(File.ReadAllText(result.SummaryPath));
            Assert.Equal(SubsetSelector.BinLengthName(by), summary.RootElement.GetProperty("bin_by").GetString());
            return ExampleParquet.Read(result.OutputPath).Select(e => e.Id).Order(StringComparer.Ordinal).ToArray();
        }

        Assert.Equal(["ex0", "ex1", "ex2", "ex3"], Picked(BinLength.Tokens, "tokens.parquet"));
        Assert.Equal(["ex2", "ex3", "ex6", "ex7"], Picked(BinLength.Predicted, "predicted.parquet"));
    }

    [Fact]
    public void Bins_on_predicted_tokens_fall_back_to_lengths_in_a_file_that_counts_none()
    {
        var rows = new[] { new ScoreRow { Length = 7 }, new ScoreRow { Length = 3 } };
        Assert.Equal([7, 3], SubsetSelector.BinLengths(rows, BinLength.Predicted));
        rows[1].Predicted = 2;
        Assert.Equal([0, 2], SubsetSelector.BinLengths(rows, BinLength.Predicted));
        Assert.Equal([7, 3], SubsetSelector.BinLengths(rows, BinLength.Tokens));
        Assert.Contains("expected tokens", Assert.Throws<ArgumentException>(() => SubsetSelector.ParseBinLength("words")).Message);
    }

    [Fact]
    public void Selection_refuses_a_pool_that_is_not_the_scored_one()
    {
        using var dir = new TempDir();
        var pool = Path.Combine(dir.Path, "pool.jsonl");
        ExampleJsonl.Write(pool, Enumerable.Range(0, 4).Select(i => new InstructionExample($"other{i}", "pool", "p", "c")));
        var scores = Path.Combine(dir.Path, "scores.parquet");
        ScoreFile.Write(scores, Enumerable.Range(0, 4).Select(i => new ScoreRow { Row = i, Id = $"ex{i}", Source = "pool", Length = 3, Score = i }));
        var error = Assert.Throws<InvalidDataException>(() =>
            SubsetSelector.Select(new SubsetRequest(scores, [pool], 2, Path.Combine(dir.Path, "subset.jsonl")) { Strategy = SelectionStrategy.ScoreOnly }));
        Assert.Contains("not the one that was scored", error.Message);
    }
}
