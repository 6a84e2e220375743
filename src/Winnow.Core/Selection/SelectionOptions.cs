namespace Winnow.Core.Selection;

/// <summary>Options for <see cref="Selector"/>.</summary>
public sealed record SelectionOptions
{
    public SelectionOptions(int budget, SelectionStrategy strategy = SelectionStrategy.ScoreRandom, int bins = 10, int seed = 0)
    {
        if (budget <= 0) throw new ArgumentOutOfRangeException(nameof(budget), budget, "The budget must be a positive number of examples.");
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "Length bins must be at least 1 (1 turns binning off).");
        Budget = budget;
        Strategy = strategy;
        Bins = bins;
        Seed = seed;
    }

    public int Budget { get; }
    public SelectionStrategy Strategy { get; }

    /// <summary>Number of equal-count length bins the top scores are taken from; 1 = plain global top.</summary>
    public int Bins { get; }

    public int Seed { get; }
}
