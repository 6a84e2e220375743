namespace Winnow.Core.Runs;

/// <summary>
/// The one rule for fitting into a folder that may hold a run (docs/design.md, "Run folders"), the same for every
/// method: nothing there, fit; the same fingerprint, the same run; another fingerprint, refused with what differs,
/// unless forced. Another method's run is handled before the method is asked (the registry), so here the holder is
/// this method.
/// </summary>
public static class RunStore
{
    public static RunDecision Check(string root, RunHeader? existing, RunHeader planned, bool force)
    {
        ArgumentNullException.ThrowIfNull(planned);
        if (existing is null) return RunDecision.Fresh;
        if (existing.Fingerprint == planned.Fingerprint) return RunDecision.Same;
        if (force) return RunDecision.Replace;
        throw new RunMismatchException(
            $"{root} holds a {existing.Method} run made from other inputs or {existing.OptionsName} ({existing.Differences(planned)}); "
            + "use another --out or --force to replace it.");
    }
}
