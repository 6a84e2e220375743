using Winnow.Core.Scoring;
using Winnow.Core.Sharding;
using Winnow.Methods;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Tov;

namespace Winnow.Torch.Tests.Methods.Tov;

/// <summary>ToV scored in 3 shards and merged equals the unsharded run in every column; TSDS refuses a shard.</summary>
[Collection(TovCollection.Name)]
public sealed class TovShardTests(TovFixture fixture)
{
    /// <summary>
    /// With one example per forward batch the merged shards equal the unsharded run bit for bit. With larger batches a
    /// shard batches different neighbours together, and padding to another length changes float rounding (about 1e-8
    /// relative), so the default-batch comparison allows that and nothing more.
    /// </summary>
    [Fact]
    public void Three_shards_merged_equal_the_unsharded_scores_in_every_column()
    {
        string run = fixture.InstructionRun.RunDirectory;
        string single = Path.Combine(fixture.Root, "tov-single-b1.parquet");
        TovScorer.Score(new TovScoreRequest(run, [fixture.InstructionPool], single) { BatchSize = 1 });
        string mergedB1 = ScoreInShards(run, "b1", batchSize: 1);
        Assert.Equal(ScoreFile.Read(single).Select(Text), ScoreFile.Read(mergedB1).Select(Text));

        var expected = ScoreFile.Read(fixture.InstructionScores);
        var actual = ScoreFile.Read(ScoreInShards(run, "b32", batchSize: 32));
        Assert.Equal(expected.Select(Key), actual.Select(Key));
        Assert.Contains(actual, r => double.IsFinite(r.Score));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Score, actual[i].Score, 1e-6);
            Assert.Equal(expected[i].PhiAbs, actual[i].PhiAbs, 1e-6);
        }
        Assert.Equal(ScoreFile.ReadMetadata(fixture.InstructionScores)[TovScorer.FingerprintKey], ScoreFile.ReadMetadata(single)[TovScorer.FingerprintKey]);
    }

    private string ScoreInShards(string run, string name, int batchSize)
    {
        string shards = Path.Combine(fixture.Root, "tov-shards-" + name);
        for (int i = 0; i < 3; i++)
        {
            var shard = new Shard(i, 3);
            // A small chunk size, so shards also cross chunk (part file) boundaries.
            var result = TovScorer.Score(new TovScoreRequest(run, [fixture.InstructionPool], Path.Combine(shards, ShardFiles.ScoresName(shard)))
            {
                Shard = shard, ChunkSize = 17, BatchSize = batchSize,
            });
            Assert.InRange(result.Rows, 1, 200);
        }
        string merged = Path.Combine(fixture.Root, $"tov-merged-{name}.parquet");
        ShardMerger.Merge(shards, merged);
        return merged;
    }

    private static string Key(ScoreRow r) => $"{r.Row}|{r.Id}|{r.Source}|{r.Length}|{r.Predicted}|{r.InBase}|{double.IsNaN(r.Score)}|{r.PhiIdentityEpochs.Count}";

    [Fact]
    public void Tsds_refuses_a_shard_with_a_clear_message()
    {
        var request = new MethodScoreRequest(Path.Combine(fixture.Root, "no-tsds-run"), [fixture.InstructionPool], Path.Combine(fixture.Root, "tsds.parquet"))
        {
            Shard = new Shard(1, 2),
        };
        var error = Assert.Throws<ArgumentException>(() => SelectionMethods.Get("tsds").Score(request));
        Assert.Contains("cannot be sharded", error.Message);
    }

    /// <summary>Every column, doubles round-trip exact.</summary>
    private static string Text(ScoreRow r) =>
        $"{r.Row}|{r.Id}|{r.Source}|{r.Length}|{r.Predicted}|{r.InBase}|{r.Score:R}|{r.PhiIdentity:R}|{r.PhiAbs:R}|{r.PhiPositive:R}|"
        + string.Join(",", r.PhiIdentityEpochs.Select(p => p.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
}
