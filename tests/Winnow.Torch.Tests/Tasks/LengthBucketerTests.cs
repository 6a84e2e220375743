using Winnow.Torch.Tasks;

namespace Winnow.Torch.Tests.Tasks;

public class LengthBucketerTests
{
    private static int[] VariedLengths(int n = 2000)
    {
        var rng = new Random(9);
        return Enumerable.Range(0, n).Select(_ => 4 + (int)(400 * Math.Pow(rng.NextDouble(), 2))).ToArray();
    }

    [Fact]
    public void BucketingWastesLessPaddingThanRandomBatches()
    {
        var lengths = VariedLengths();
        var bucketed = new LengthBucketer(new BucketingOptions { BatchSize = 16 }).Batches(lengths);
        var random = new LengthBucketer(new BucketingOptions { BatchSize = 16, ChunkBatches = 1 }).Batches(lengths);
        double bucketedWaste = LengthBucketer.PaddingFraction(bucketed, lengths);
        double randomWaste = LengthBucketer.PaddingFraction(random, lengths);
        Assert.True(bucketedWaste < randomWaste / 3, $"bucketed {bucketedWaste:P1} vs random {randomWaste:P1}");
        AssertEveryIndexOnce(bucketed, lengths.Length);
    }

    [Fact]
    public void DeterministicForASeedAndDifferentAcrossSeeds()
    {
        var lengths = VariedLengths(500);
        var a = new LengthBucketer(new BucketingOptions { Seed = 1 }).Batches(lengths);
        var b = new LengthBucketer(new BucketingOptions { Seed = 1 }).Batches(lengths);
        var c = new LengthBucketer(new BucketingOptions { Seed = 2 }).Batches(lengths);
        Assert.Equal(a.Select(x => string.Join(',', x)), b.Select(x => string.Join(',', x)));
        Assert.NotEqual(a.Select(x => string.Join(',', x)), c.Select(x => string.Join(',', x)));
    }

    [Fact]
    public void TokenBudgetBoundsPaddedBatchSize()
    {
        var lengths = VariedLengths(800);
        var batches = new LengthBucketer(new BucketingOptions { BatchSize = 64, MaxTokensPerBatch = 2048 }).Batches(lengths);
        foreach (var batch in batches)
        {
            Assert.InRange(batch.Length, 1, 64);
            Assert.True(batch.Length == 1 || batch.Length * batch.Max(i => lengths[i]) <= 2048);
        }
        AssertEveryIndexOnce(batches, lengths.Length);
    }

    [Fact]
    public void BatchesOfExamplesKeepTheExamples()
    {
        var examples = Enumerable.Range(1, 40).Select(n => new EncodedExample($"e{n}", new int[n], new int[n], new bool[n])).ToArray();
        var batches = new LengthBucketer(new BucketingOptions { BatchSize = 8, Shuffle = false }).Batches(examples);
        Assert.Equal(5, batches.Count);
        Assert.Equal(0, LengthBucketer.PaddingFraction(batches.Take(0)));
        Assert.Equal(examples.Select(e => e.Id).Order(), batches.SelectMany(b => b).Select(e => e.Id).Order());
    }

    private static void AssertEveryIndexOnce(IReadOnlyList<int[]> batches, int count) =>
        Assert.Equal(Enumerable.Range(0, count), batches.SelectMany(b => b).Order());
}
