namespace Winnow.Torch.Methods.Tov;

/// <summary>The per-token map F in φ(x) = (1/T) Σ_t F(Δ_t) (docs/methods.md, "ToV").</summary>
public enum ScoreTransform
{
    /// <summary>F(y) = y: the mean improvement, equal to ℓ(θ,x) − ℓ(θ',x).</summary>
    Identity,

    /// <summary>F(y) = |y|: the largest change either way.</summary>
    Abs,

    /// <summary>F(y) = max(y, 0): improvements only.</summary>
    Positive,
}
