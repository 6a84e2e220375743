namespace Winnow.Core.Runs;

/// <summary>
/// A method's default that changed between versions (ToV's fit batches went from random to bucketed on 2026-12-01).
/// A study keeps which changes its cells were made under (<c>study.json</c>); one begun before a change must pin the
/// previous value to be finished as begun, so one results folder never mixes cells made under two defaults
/// (docs/design.md, "Studies and changed defaults").
/// </summary>
/// <param name="Method">The registered method whose default it is (tov).</param>
/// <param name="Key">The setting, as written in a study's method_settings and on the command line (batches).</param>
/// <param name="Previous">The value it had before (random).</param>
/// <param name="Current">The value it has now (bucketed).</param>
/// <param name="Since">The date of the change, yyyy-MM-dd.</param>
/// <param name="Why">Where the evidence for the change is written down.</param>
public sealed record DefaultChange(string Method, string Key, string Previous, string Current, string Since, string Why)
{
    /// <summary>
    /// Settings that, all pinned, leave nothing for this default to decide (ToV's size rule when base_size and epochs are
    /// both given): a study that pins them need not restate the previous value. Empty: the default always applies.
    /// </summary>
    public IReadOnlyList<string> MootWhenPinned { get; init; } = [];

    /// <summary>
    /// The task the change is for (ToV's validation step changed for instruction tuning only); null: every task. A study
    /// of another task is made the same way under <see cref="Current"/> and need not pin anything.
    /// </summary>
    public Data.TaskKind? OnlyFor { get; init; }

    /// <summary>
    /// Whether a column with these settings, in a study of <paramref name="task"/>, is made another way under
    /// <see cref="Current"/> than under <see cref="Previous"/>.
    /// </summary>
    public bool AppliesTo(Data.TaskKind task, IReadOnlyDictionary<string, string> settings) =>
        (OnlyFor is null || OnlyFor == task)
        && !settings.ContainsKey(Key) && !(MootWhenPinned.Count > 0 && MootWhenPinned.All(settings.ContainsKey));

    /// <summary>How <c>study.json</c> names the change.</summary>
    public string Id => $"{Method}:{Key}={Current}@{Since}";
}
