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

    /// <summary>
    /// The target's row lengths (in the unit the candidates' lengths are in): when given, each length bin's share of the
    /// scored budget is the share of these that fall in it (<see cref="BinWeights.Target"/>); null = equal shares.
    /// </summary>
    public IReadOnlyList<int>? TargetLengths
    {
        get => targetLengths;
        init => targetLengths = value is null ? null
            : value.Count == 0 ? throw new ArgumentException("Target-weighted bins need at least one target length.")
            : value.Any(l => l < 0) ? throw new ArgumentException("Target lengths cannot be negative.")
            : value;
    }
    private readonly IReadOnlyList<int>? targetLengths;

    /// <summary>
    /// Candidate indices that fill Score+Random's random share before U does, in the order they are taken
    /// (<see cref="ShareFill.Neighbours"/>); rows the scores already picked are skipped, and U fills what is left. Null =
    /// the share comes uniformly from U (the paper's). Only Score+Random reads it.
    /// </summary>
    public IReadOnlyList<int>? FillOrder { get; init; }

    /// <summary>The paper's Score+Random: half of the budget at random from the base set.</summary>
    public const double DefaultRandomShare = 0.5;

    /// <summary>
    /// Score+Random's share of the budget drawn uniformly from the base set U (rounded down; the rest from the binned top
    /// scores). 0.5 is the paper's; 0 leaves only the scores, 1 only U. Only Score+Random reads it.
    /// </summary>
    public double RandomShare
    {
        get => randomShare;
        init => randomShare = CheckRandomShare(value);
    }

    private readonly double randomShare = DefaultRandomShare;

    /// <summary>Refuses a share outside [0, 1] (NaN included), naming the setting.</summary>
    public static double CheckRandomShare(double share) =>
        share is >= 0 and <= 1 ? share
        : throw new ArgumentException($"random_share must be between 0 and 1 (the share of the budget drawn at random from the base set; got {share.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
}
