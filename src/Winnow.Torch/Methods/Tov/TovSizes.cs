namespace Winnow.Torch.Methods.Tov;

/// <summary>How ToV chooses |U| and L when a run leaves them unset (<see cref="TovFitOptions.Sizes"/>).</summary>
public enum TovSizes
{
    /// <summary>The paper's rule read literally: |U| = min(4096, |P|/4), L = max(1, 16·1024/|U|).</summary>
    Paper,

    /// <summary>What the public studies measured: |U| = min(4096, |P|/4, max(200, |P|/8)), L = 4 (the default since 2026-12-02).</summary>
    Studies,
}
