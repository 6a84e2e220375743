namespace Winnow.Core.Runs;

/// <summary>What <see cref="RunFolder.FitOnce"/> did: the run's manifest, whether it was already there, and what the fit took.</summary>
public sealed record RunFit(RunManifest Manifest, bool Reused, double Seconds, long BytesWritten);
