namespace Winnow.Experiments;

/// <summary>The cost of one method's fit+score (<c>artifacts/&lt;key&gt;/cost.json</c>), measured in the run that made it.</summary>
public sealed record ArtifactCost(string Method, string Key, double FitSeconds, double ScoreSeconds, long BytesOnDisk, string ScoresPath)
{
    public double Seconds => FitSeconds + ScoreSeconds;
}
