using Winnow.Core.Runs;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// A ToV run: where it is, its manifest with ToV's options and state read from it, and, after a fit, whether it was
/// already there and where the fit started.
/// </summary>
public sealed record TovRun(string RunDirectory, RunManifest Manifest, TovFitOptions Options, TovRunState State)
{
    public bool Reused { get; init; }

    /// <summary>The first epoch this fit ran (0 for a fresh fit; the epoch count when reused).</summary>
    public int ResumedFromEpoch { get; init; }

    public double Seconds { get; init; }

    public TovRunLayout Layout => new(RunDirectory);

    /// <summary>The run in <paramref name="manifest"/>, its options and state read in ToV's format.</summary>
    public static TovRun Of(string runDirectory, RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new TovRun(runDirectory, manifest, manifest.OptionsAs<TovFitOptions>(TovRunState.Json), manifest.StateAs<TovRunState>(TovRunState.Json));
    }
}
