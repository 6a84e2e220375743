namespace Winnow.Methods;

/// <summary>A finished (or reused) fit.</summary>
public sealed record MethodRun(string RunDirectory, string Method, bool Reused, double Seconds, long BytesWritten)
{
    /// <summary>
    /// An earlier, interrupted call did part of this fit and this one continued it, so <see cref="Seconds"/> counts only
    /// the part done now (a ToV run resumed at a later epoch).
    /// </summary>
    public bool Resumed { get; init; }

    /// <summary>What <see cref="Core.Runs.RunFolder.FitOnce"/> did, for the run in <paramref name="runDirectory"/>.</summary>
    public static MethodRun Of(string runDirectory, Core.Runs.RunFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return new MethodRun(runDirectory, fit.Manifest.Method, fit.Reused, fit.Seconds, fit.BytesWritten);
    }
}
