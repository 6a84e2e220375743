namespace Winnow.Experiments;

/// <summary>The cost of one method's fit+score (<c>artifacts/&lt;key&gt;/cost.json</c>), measured in the run that made it.</summary>
public sealed record ArtifactCost(string Method, string Key, double FitSeconds, double ScoreSeconds, long BytesOnDisk, string ScoresPath)
{
    public double Seconds => FitSeconds + ScoreSeconds;

    /// <summary>
    /// Part of the fit (or all of it, or the finished score file) was done by an earlier, interrupted run of the study
    /// and reused here, so <see cref="Seconds"/> counts only what this run did: a lower bound, not the cost. Absent when
    /// false. Not flagged: score chunks of 2,048 rows taken from an interrupted scoring's part files (pools above that
    /// size only).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Resumed { get; init; }
}
