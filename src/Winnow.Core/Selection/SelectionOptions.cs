namespace Winnow.Core.Selection;

/// <summary>How a subset is drawn from scored candidates.</summary>
public enum SelectionStrategy
{
    /// <summary>Half of the budget from the (length-binned) top scores, half uniformly from the base set U — the ToV paper's recommendation.</summary>
    ScoreRandom,

    /// <summary>The whole budget from the (length-binned) top scores.</summary>
    ScoreOnly,

    /// <summary>Uniformly at random from every candidate (the reference baseline).</summary>
    Random,

    /// <summary>Draws without replacement with probability proportional to the score (scores must be non-negative), e.g. TSDS's probabilities.</summary>
    Sample,

    /// <summary>
    /// Like <see cref="Sample"/> but the scores are log-weights (any real; NaN and −∞ never drawn): Gumbel top-k, i.e.
    /// importance resampling without replacement, as DSIR does with its log importance weights.
    /// </summary>
    SampleLog,
}

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
