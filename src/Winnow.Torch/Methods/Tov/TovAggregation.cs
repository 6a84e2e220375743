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
}
