namespace Winnow.Bench;

/// <summary>One method at one pool size: seconds and bytes per stage, as measured here and as the method reports them.</summary>
public sealed record CostResult(
    string Method, int PoolSize, double FitSeconds, double ScoreSeconds, long FitBytes, long ScoreBytes,
    long ReportedFitBytes, long ReportedScoreBytes, int Scored, IReadOnlyDictionary<string, string> Settings,
    double FitCpuSeconds, double ScoreCpuSeconds, string LoadAverage)
{
    public double TotalSeconds => FitSeconds + ScoreSeconds;
    public long TotalBytes => FitBytes + ScoreBytes;
}
