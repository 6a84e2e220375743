namespace Winnow.Torch.Evaluation;

/// <summary>
/// One example's per-token log-probabilities under each model state, in the order the states were given; every
/// array covers the same positions, so <c>PerState[1][t] − PerState[0][t]</c> is token t's change.
/// </summary>
public sealed record MultiStateTokenLogProbs(int Index, string? Id, IReadOnlyList<float[]> PerState);
