namespace Winnow.Core.Selection;

/// <summary>What was selected and why.</summary>
/// <param name="Indices">Selected row indices, distinct, in selection order.</param>
/// <param name="FromScores">How many came from the score ranking.</param>
/// <param name="FromRandom">How many were drawn uniformly at random.</param>
public sealed record SelectionResult(IReadOnlyList<int> Indices, int FromScores, int FromRandom)
{
    /// <summary>How many filled Score+Random's share from the target's nearest pool rows (<see cref="ShareFill.Neighbours"/>); they follow the scored rows in <see cref="Indices"/>.</summary>
    public int FromNeighbours { get; init; }
}
