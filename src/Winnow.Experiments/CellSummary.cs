namespace Winnow.Experiments;

/// <summary>One method at one budget of one study: mean over seeds.</summary>
public sealed record CellSummary(string Method, int Budget, int Seeds, double MeanLoss, double StdErr, double? ImprovementOverRandom, double? MeanF1)
{
    /// <summary>Standard error of the F1 over seeds (NaN with fewer than two seeds or without F1).</summary>
    public double F1StdErr { get; init; } = double.NaN;
}
