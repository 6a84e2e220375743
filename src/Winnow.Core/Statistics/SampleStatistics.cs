namespace Winnow.Core.Statistics;

/// <summary>The one place the mean ± standard error of repeated measurements (seeds, examples) is computed.</summary>
public static class SampleStatistics
{
    /// <summary>
    /// The mean and its standard error √(Σ(v − mean)² / (n − 1) / n); the error is NaN for fewer than two values
    /// (and the mean for none).
    /// </summary>
    public static (double Mean, double StandardError) MeanAndStandardError(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double mean = values.Count == 0 ? double.NaN : values.Average();
        return (mean, values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) / values.Count) : double.NaN);
    }
}
