using Winnow.Core.Selection;

namespace Winnow.Core.Tests.Selection;

public class SelectorTests
{
    // 1000 candidates: the first 200 are the base set U (unscored), the rest have lengths 1..800 and random scores.
    private static List<Candidate> Pool(int seed = 7)
    {
        var rng = new Random(seed);
        var list = new List<Candidate>();
        for (int i = 0; i < 1000; i++)
        {
            bool inBase = i < 200;
            list.Add(new Candidate(i, Length: 1 + rng.Next(800), Score: inBase ? double.NaN : rng.NextDouble(), InBaseSet: inBase));
        }
        return list;
    }

    [Fact]
    public void BinningTakesEqualCountsFromEqualSizedLengthBinsAndTheTopOfEach()
    {
        var scored = Pool().Where(c => !c.InBaseSet).ToList(); // 800 → 10 bins of 80
        var picked = Selector.LengthBinnedTop(scored, budget: 50, bins: 10).ToHashSet();
        Assert.Equal(50, picked.Count);

        var bins = scored.OrderBy(c => c.Length).ThenBy(c => c.Index).Chunk(80).ToArray();
        Assert.Equal(10, bins.Length);
        foreach (var bin in bins)
        {
            var inBin = bin.Where(c => picked.Contains(c.Index)).ToList();
            Assert.Equal(5, inBin.Count);
            // The picked ones are exactly the bin's top 5 scores.
            var top5 = bin.OrderByDescending(c => c.Score).Take(5).Select(c => c.Index).ToHashSet();
            Assert.True(top5.SetEquals(inBin.Select(c => c.Index)));
        }
    }

    [Fact]
    public void BinningWithRemainderStillGivesExactBudgetAndNearEqualBins()
    {
        var scored = Pool().Where(c => !c.InBaseSet).ToList();
        var picked = Selector.LengthBinnedTop(scored, budget: 57, bins: 10).ToHashSet();
        Assert.Equal(57, picked.Count);
        var counts = scored.OrderBy(c => c.Length).ThenBy(c => c.Index).Chunk(80).Select(b => b.Count(c => picked.Contains(c.Index))).ToArray();
        Assert.All(counts, n => Assert.InRange(n, 5, 6));
    }

    [Fact]
    public void TargetWeightedBinsTakeFromTheBinsTheTargetsLengthsFallInProportionally()
    {
        var scored = Pool().Where(c => !c.InBaseSet).ToList(); // 800 → 10 bins of 80
        var bins = scored.OrderBy(c => c.Length).ThenBy(c => c.Index).Chunk(80).ToArray();
        // Three target rows as long as the last bin's longest row, one as long as the third bin's middle row: 3 : 1.
        int longest = bins[9][^1].Length, third = bins[2][40].Length;
        Assert.True(bins[1][^1].Length < third); // so it belongs to the third bin, not the second
        var picked = Selector.LengthBinnedTop(scored, budget: 40, bins: 10, targetLengths: [longest, longest, longest, third]).ToHashSet();
        Assert.Equal(40, picked.Count);
        var counts = bins.Select(b => b.Count(c => picked.Contains(c.Index))).ToArray();
        Assert.Equal([0, 0, 10, 0, 0, 0, 0, 0, 0, 30], counts);
        // Within a bin it is still the top scores.
        var top30 = bins[9].OrderByDescending(c => c.Score).Take(30).Select(c => c.Index).ToHashSet();
        Assert.True(top30.SetEquals(bins[9].Where(c => picked.Contains(c.Index)).Select(c => c.Index)));
    }

    [Fact]
    public void TargetWeightedBinsPassWhatAFullBinCannotTakeToTheOthers()
    {
        var scored = Pool().Where(c => !c.InBaseSet).ToList();
        var bins = scored.OrderBy(c => c.Length).ThenBy(c => c.Index).Chunk(80).ToArray();
        // Every target row longer than any pool row: the last bin (80 rows) cannot take a budget of 100 alone.
        var picked = Selector.LengthBinnedTop(scored, budget: 100, bins: 10, targetLengths: [10_000, 10_000]).ToHashSet();
        Assert.Equal(100, picked.Count);
        var counts = bins.Select(b => b.Count(c => picked.Contains(c.Index))).ToArray();
        Assert.Equal(80, counts[9]);
        Assert.Equal(20, counts.Take(9).Sum());
        Assert.All(counts.Take(9), n => Assert.InRange(n, 2, 3)); // the rest as the equal split would place it
    }

    [Fact]
    public void TargetWeightedSelectionIsRefusedWithoutTargetLengthsAndWithAnEmptyList()
    {
        Assert.Throws<ArgumentException>(() => new SelectionOptions(10) { TargetLengths = [] });
        Assert.Throws<ArgumentException>(() => new SelectionOptions(10) { TargetLengths = [3, -1] });
        Assert.Equal(BinWeights.Target, SubsetSelector.ParseBinWeights(" Target "));
        var e = Assert.Throws<ArgumentException>(() => SubsetSelector.ParseBinWeights("pool"));
        Assert.Contains("bin_weights", e.Message);
    }

    [Fact]
    public void OneBinIsTheGlobalTop()
    {
        var scored = Pool().Where(c => !c.InBaseSet).ToList();
        var picked = Selector.LengthBinnedTop(scored, 30, bins: 1).ToHashSet();
        var top = scored.OrderByDescending(c => c.Score).Take(30).Select(c => c.Index).ToHashSet();
        Assert.True(top.SetEquals(picked));
    }

    [Fact]
    public void ScoreRandomGivesExactlyNDistinctHalfFromBaseSet()
    {
        var pool = Pool();
        var result = Selector.Select(pool, new SelectionOptions(101, SelectionStrategy.ScoreRandom, seed: 3));
        Assert.Equal(101, result.Indices.Count);
        Assert.Equal(101, result.Indices.Distinct().Count());
        int fromBase = result.Indices.Count(i => pool[i].InBaseSet);
        Assert.Equal(50, fromBase);
        Assert.Equal(50, result.FromRandom);
        Assert.Equal(51, result.FromScores);
    }

    [Theory]
    [InlineData(0.25, 25)]
    [InlineData(0.0, 0)]
    [InlineData(1.0, 100)]
    public void RandomShareSetsTheSplitAndTheScorePartIsTheBinnedTopOfTheRest(double share, int fromBase)
    {
        var pool = Pool();
        var result = Selector.Select(pool, new SelectionOptions(100, SelectionStrategy.ScoreRandom, seed: 3) { RandomShare = share });
        Assert.Equal(100, result.Indices.Distinct().Count());
        Assert.Equal(fromBase, result.Indices.Count(i => pool[i].InBaseSet));
        Assert.Equal(fromBase, result.FromRandom);
        Assert.Equal(100 - fromBase, result.FromScores);
        // The score part is exactly what the binned top gives for its size: the share moves rows, it does not reorder them.
        var top = Selector.LengthBinnedTop(pool.Where(c => !c.InBaseSet).ToList(), 100 - fromBase, 10).ToHashSet();
        Assert.True(top.SetEquals(result.Indices.Where(i => !pool[i].InBaseSet)));
    }

    [Fact]
    public void ARandomShareLargerThanTheBaseSetTakesTheRestFromTheScores()
    {
        var pool = Pool(); // U holds 200 rows
        var result = Selector.Select(pool, new SelectionOptions(300, SelectionStrategy.ScoreRandom, seed: 1) { RandomShare = 0.9 });
        Assert.Equal(300, result.Indices.Distinct().Count());
        Assert.Equal(200, result.FromRandom);
        Assert.Equal(100, result.FromScores);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void ARandomShareOutsideZeroToOneIsRefusedNamingTheSetting(double share)
    {
        var ex = Assert.Throws<ArgumentException>(() => new SelectionOptions(10) { RandomShare = share });
        Assert.Contains("random_share must be between 0 and 1", ex.Message);
    }

    [Fact]
    public void SameSeedSameSubsetDifferentSeedDifferentRandomHalf()
    {
        var pool = Pool();
        var a = Selector.Select(pool, new SelectionOptions(100, SelectionStrategy.ScoreRandom, seed: 1));
        var b = Selector.Select(pool, new SelectionOptions(100, SelectionStrategy.ScoreRandom, seed: 1));
        var c = Selector.Select(pool, new SelectionOptions(100, SelectionStrategy.ScoreRandom, seed: 2));
        Assert.Equal(a.Indices, b.Indices);
        var randomA = a.Indices.Where(i => pool[i].InBaseSet).ToHashSet();
        var randomC = c.Indices.Where(i => pool[i].InBaseSet).ToHashSet();
        Assert.False(randomA.SetEquals(randomC));
        // The score half does not depend on the seed.
        Assert.True(a.Indices.Where(i => !pool[i].InBaseSet).ToHashSet().SetEquals(c.Indices.Where(i => !pool[i].InBaseSet)));
    }

    [Fact]
    public void ScoreOnlyIgnoresUnscoredAndTakesWholeBudgetFromScores()
    {
        var pool = Pool();
        var result = Selector.Select(pool, new SelectionOptions(80, SelectionStrategy.ScoreOnly));
        Assert.Equal(80, result.FromScores);
        Assert.DoesNotContain(result.Indices, i => pool[i].InBaseSet);
    }

    [Fact]
    public void SampleFavoursHeavyWeightsAndNeverPicksZeroWeight()
    {
        var cands = Enumerable.Range(0, 200)
            .Select(i => new Candidate(i, 10, i < 100 ? 0.0 : (i < 110 ? 100.0 : 1.0), false)).ToList();
        var result = Selector.Select(cands, new SelectionOptions(20, SelectionStrategy.Sample, seed: 5));
        Assert.Equal(20, result.Indices.Distinct().Count());
        Assert.DoesNotContain(result.Indices, i => i < 100);
        // 10 heavy items carry 1000 of 1090 total weight: all of them should be among 20 draws.
        Assert.True(result.Indices.Count(i => i < 110) >= 9);
    }

    [Fact]
    public void BudgetLargerThanPoolIsAClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => Selector.Select(Pool().Take(10).ToList(), new SelectionOptions(11)));
        Assert.Contains("larger than the pool", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SelectionOptions(0));
    }

    [Fact]
    public void AFillOrderFillsTheRandomShareBeforeUSkippingRowsTheScoresTook()
    {
        // Rows 0-3 are U, 4-9 scored by index: with one bin the scored half of a budget of 4 is rows 9 and 8.
        var candidates = Enumerable.Range(0, 10).Select(i => new Candidate(i, 10, i < 4 ? double.NaN : i, InBaseSet: i < 4)).ToList();
        var options = new SelectionOptions(4, SelectionStrategy.ScoreRandom, bins: 1, seed: 3) { RandomShare = 0.5 };

        var filled = Selector.Select(candidates, options with { FillOrder = [9, 6, 6, 5, 1] });
        Assert.Equal([9, 8, 6, 5], filled.Indices);
        Assert.Equal((2, 2, 0), (filled.FromScores, filled.FromNeighbours, filled.FromRandom));

        // A list the scores already took leaves the share to U, which still gives exactly the budget.
        var spent = Selector.Select(candidates, options with { FillOrder = [8, 9] });
        Assert.Equal((2, 0, 2), (spent.FromScores, spent.FromNeighbours, spent.FromRandom));
        Assert.All(spent.Indices.Skip(2), i => Assert.InRange(i, 0, 3));
        Assert.Equal(4, spent.Indices.Distinct().Count());
        // ... as the paper's draw from U does, by the same seed.
        Assert.Equal(Selector.Select(candidates, options).Indices, spent.Indices);

        // A list that runs out: what it gave, then U without the rows it took.
        var partly = Selector.Select(candidates, options with { FillOrder = [2] });
        Assert.Equal([9, 8, 2], partly.Indices.Take(3));
        Assert.InRange(partly.Indices[3], 0, 3);
        Assert.NotEqual(2, partly.Indices[3]);
        Assert.Equal((1, 1), (partly.FromNeighbours, partly.FromRandom));

        Assert.Throws<ArgumentException>(() => Selector.Select(candidates, options with { FillOrder = [10] }));
    }
}
