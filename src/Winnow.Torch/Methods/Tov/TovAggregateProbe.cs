namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// How <see cref="TovAutoAggregate"/> tries each aggregation's rows before choosing (<see cref="TovFitOptions.AggregateProbe"/>;
/// docs/tov-auto.md, "The aggregation").
/// </summary>
public enum TovAggregateProbe
{
    /// <summary>
    /// Each aggregation's top rows (Score-Only, U left out) continue the probe fit's last base state with ToV's own LoRA
    /// recipe for L epochs; the lowest held-out loss over the epochs counts. Cheap; measured 2026-12-02 (it chose the sum
    /// in 11 of 15 runs and was wrong where it mattered most).
    /// </summary>
    Fit,

    /// <summary>
    /// Each aggregation's subset as the selection would deliver it (a Score+Random budget: ToV's share from the probe
    /// fit's U, the rest from that aggregation's top rows in its bins) fine-tunes a fresh copy of the base model with
    /// the recipe selections are judged by (<see cref="FineTuning.JudgeRecipes.For"/>), keeping its best epoch on the
    /// fitted part of the target; the held-out part's loss decides. What the user will do with the subset, tried on a
    /// part of the target the fit never saw; costs two such fine-tunes. Measured 2026-12-02 (docs/tov-defaults.md, "Mean
    /// or sum chosen by the judge's own fine-tune"): it kept the mean on the off-domain pool in every seed, but agreed with
    /// the judge in 5 of 15 runs and made ToV costlier than LESS on the public pools, so it is opt-in.
    /// </summary>
    Judge,
}
