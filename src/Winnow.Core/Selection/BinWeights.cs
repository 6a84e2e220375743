namespace Winnow.Core.Selection;

/// <summary>
/// How the scored part of a budget is shared among the equal-count length bins. The paper gives every bin the same
/// number, so the subset copies the pool's length mix; <see cref="Target"/> gives each bin the share of the target's
/// rows whose length falls in it, so the subset copies the target's — the one length mix a user's task states
/// (docs/tov-defaults.md, "Length bins weighted by the target").
/// </summary>
public enum BinWeights
{
    /// <summary>The same number from every bin (the paper's).</summary>
    Equal,

    /// <summary>Each bin in proportion to the target's rows in its length range (needs the target's lengths in the score file).</summary>
    Target,

    /// <summary>
    /// <see cref="Target"/> where the score file says the pool holds the target's kind (<see cref="PoolKinship"/>, measured
    /// by the fit), <see cref="Equal"/> where it says not or did not measure it (docs/tov-defaults.md, "Target-weighted
    /// bins where the pool holds the target's kind").
    /// </summary>
    Auto,

    /// <summary>
    /// Each bin in proportion to the target's nearest pool rows in its length range (found by the fit, listed in the
    /// score file; docs/tov-defaults.md, "Length bins weighted by the target's nearest pool rows").
    /// </summary>
    Neighbours,
}
