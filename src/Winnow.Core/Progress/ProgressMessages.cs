namespace Winnow.Core.Progress;

/// <summary>Helpers for the library's progress messages (plain strings, one line each).</summary>
public static class ProgressMessages
{
    /// <summary>
    /// <paramref name="progress"/> with every message led by <paramref name="prefix"/> (a stage run inside another one,
    /// as a probe fit or one fit of several, says whose it is); null stays null.
    /// </summary>
    public static IProgress<string>? Prefixed(IProgress<string>? progress, string prefix) =>
        progress is null ? null : new SynchronousProgress<string>(message => progress.Report(prefix + message));
}
