using Winnow.Core.Scoring;
using Winnow.Core.Sharding;

namespace Winnow.Core.Tests.Sharding;

public class ShardMergerTests
{
    private static List<ScoreRow> Rows(int n)
    {
        var rng = new Random(4);
        return Enumerable.Range(0, n).Select(i => new ScoreRow
        {
            Row = i, Id = $"id{i}", Source = $"s{i % 3}", Length = 5 + rng.Next(50), Predicted = 3, InBase = i % 10 == 0,
            Score = i % 10 == 0 ? double.NaN : rng.NextDouble(), PhiIdentity = rng.NextDouble(), PhiAbs = rng.NextDouble(),
            PhiPositive = rng.NextDouble(), PhiIdentityEpochs = [rng.NextDouble(), rng.NextDouble()],
        }).ToList();
    }

    private static readonly Dictionary<string, string> Footer = new() { ["winnow.method"] = "test" };

    private static void WriteShards(string folder, List<ScoreRow> rows, int count, string manifest = "m1")
    {
        Directory.CreateDirectory(folder);
        for (int i = 0; i < count; i++)
        {
            var shard = new Shard(i, count);
            var path = Path.Combine(folder, ShardFiles.ScoresName(shard));
            long written = ScoreFile.Write(path, rows.Where(r => shard.Contains(r.Source, r.Id)), Footer);
            ShardFiles.Complete(path, shard, written, manifest);
        }
    }

    [Fact]
    public void ThreeShardsMergeToTheUnshardedRows()
    {
        using var dir = new TempDir();
        var rows = Rows(1000);
        var folder = Path.Combine(dir.Path, "shards");
        WriteShards(folder, rows, 3);

        var result = ShardMerger.Merge(folder, Path.Combine(dir.Path, "merged.parquet"), "m1");
        Assert.Equal(1000, result.Rows);
        var merged = ScoreFile.Read(result.OutputPath);
        Assert.Equal("test", ScoreFile.ReadMetadata(result.OutputPath)["winnow.method"]);
        Assert.Equal(rows.Count, merged.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Row, merged[i].Row);
            Assert.Equal(rows[i].Id, merged[i].Id);
            Assert.Equal(rows[i].Source, merged[i].Source);
            Assert.Equal(rows[i].InBase, merged[i].InBase);
            Assert.Equal(rows[i].Score, merged[i].Score);
            Assert.Equal(rows[i].PhiAbs, merged[i].PhiAbs);
            Assert.Equal(rows[i].PhiIdentityEpochs, merged[i].PhiIdentityEpochs);
        }
    }

    [Fact]
    public void MissingShardIsListedAndNothingIsWritten()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "shards");
        WriteShards(folder, Rows(300), 4);
        File.Delete(Path.Combine(folder, "scores-0002-of-0004.json"));
        var output = Path.Combine(dir.Path, "merged.parquet");
        var e = Assert.Throws<ShardMergeException>(() => ShardMerger.Merge(folder, output));
        Assert.Equal([2], e.Missing);
        Assert.Contains("2", e.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void TruncatedOrChangedShardIsDetected()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "shards");
        WriteShards(folder, Rows(300), 3);
        var victim = Path.Combine(folder, "scores-0001-of-0003.parquet");
        var bytes = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ShardMergeException>(() => ShardMerger.Merge(folder, Path.Combine(dir.Path, "merged.parquet")));
        Assert.Equal([1], e.Missing);
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void ShardsOfAnotherRunAreRefused()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "shards");
        WriteShards(folder, Rows(100), 2);
        var e = Assert.Throws<ShardMergeException>(() => ShardMerger.Merge(folder, Path.Combine(dir.Path, "m.parquet"), expectedManifestHash: "other"));
        Assert.Contains("different runs", e.Message);
    }
}
