namespace Winnow.Torch.Methods.Tov;

/// <summary>How one pool example's per-token F(Δ_t) become its φ (docs/tov-label-balanced.md).</summary>
public enum TovAggregation
{
    /// <summary>The paper's mean over the example's predicted tokens.</summary>
    Mean,

    /// <summary>
    /// Winnow's own, for token classification: the mean within each gold label class of the row (O, and each entity
    /// type with its B-/I- tags together), then the mean over the classes the row has. A row of thirty O tokens and two
    /// entity tokens counts its entities as half of φ instead of a sixteenth, so "the target made O more likely" no
    /// longer decides the ranking. For text tasks (no label classes) it is the plain mean.
    /// </summary>
    LabelBalanced,

    /// <summary>
    /// Winnow's own: the sum of F(Δ_t) over the example's predicted tokens, the change of its whole log-likelihood.
    /// A fine-tune whose loss averages over every predicted token of a batch weighs a row by its token count, so what
    /// a row can do for the target grows with its length; the mean hides that. Meant with one length bin
    /// (<c>bins: 1</c>): inside equal-count length bins the sum ranks almost as the mean does (docs/tov-defaults.md,
    /// "Summed φ").
    /// </summary>
    Sum,

    /// <summary>
    /// Winnow's own: <see cref="Sum"/> where the fit's pool-kinship test found the target's kind in the pool
    /// (<see cref="Core.Selection.PoolKinship"/>, the share at its threshold or above), <see cref="Mean"/> below and where
    /// the fit did not measure it (instruction tuning). The sum helps where the pool's long rows are the target's kind
    /// and hurts where they are another register (docs/tov-defaults.md, "Summed φ where the pool holds the target's
    /// kind"). Resolved when the pool is scored; the score file's footer records the aggregation used.
    /// </summary>
    Auto,
}
