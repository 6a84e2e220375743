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
