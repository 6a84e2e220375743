namespace Winnow.Core.Selection;

/// <summary>
/// What fills Score+Random's random share of the budget. The paper draws it uniformly from the base set U, which keeps
/// a subset near the pool's own mix where the scores mislead; <see cref="Neighbours"/> fills it with the target's
/// nearest pool rows (what TSDS selects by), which wins where the pool holds rows of the target's kind
/// (docs/tov-defaults.md, "The Score+Random share filled by the target's nearest pool rows").
/// </summary>
public enum ShareFill
{
    /// <summary>Uniformly from the base set U (the paper's).</summary>
    Random,

    /// <summary>
    /// The target's nearest pool rows listed in the score file (found by the fit), by rank: every target row's nearest
    /// (target rows in an order drawn by the selection's seed), then every one's second, …; rows already picked are
    /// skipped, and should the list run out, the rest comes uniformly from U.
    /// </summary>
    Neighbours,

    /// <summary>
    /// <see cref="Neighbours"/> where the score file says the pool holds the target's kind (<see cref="PoolKinship"/>),
    /// <see cref="Random"/> where it says not or the fit did not measure it.
    /// </summary>
    Auto,
}
