namespace Winnow.Core.Selection;

/// <summary>A written subset and its summary.</summary>
public sealed record SubsetResult(
    string OutputPath,
    string ScoresSidePath,
    string SummaryPath,
    int Selected,
    int FromScores,
    int FromRandom,
    IReadOnlyDictionary<string, int> BySource,
    string Histogram,
    double Seconds)
{
    /// <summary>Rows that filled Score+Random's share from the target's nearest pool rows (<see cref="ShareFill.Neighbours"/>).</summary>
    public int FromNeighbours { get; init; }
}
