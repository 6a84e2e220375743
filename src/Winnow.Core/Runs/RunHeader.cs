namespace Winnow.Core.Runs;

/// <summary>
/// What the run store reads of any run's manifest, whichever method wrote it (docs/design.md, "Run folders"): the
/// method, the fingerprint, whether the fit finished, and the parts the fingerprint covers, so a refusal can name
/// what differs. Each manifest schema gives its header; a part a schema keeps inside its options is left null.
/// </summary>
public sealed record RunHeader(string Method, string Fingerprint)
{
    public bool Complete { get; init; }

    /// <summary>The task (instruction or NER), where the manifest keeps it outside the options.</summary>
    public string? Task { get; init; }

    public string? ModelHash { get; init; }
    public string? TargetHash { get; init; }
    public string? PoolHash { get; init; }
    public string? LabelMapHash { get; init; }

    /// <summary>The field mapping's text, null without one.</summary>
    public string? Fields { get; init; }

    /// <summary>The resolved options or settings as canonical text.</summary>
    public string? Options { get; init; }

    /// <summary>What the manifest calls its options in a refusal: "options" or "settings".</summary>
    public string OptionsName { get; init; } = "options";

    /// <summary>The seed, where the manifest keeps it outside the options.</summary>
    public int? Seed { get; init; }

    /// <summary>"differs in …" naming each part that differs from <paramref name="other"/> ("schema" when only the recipe does).</summary>
    public string Differences(RunHeader other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var parts = new List<string>();
        if (Method != other.Method) parts.Add("method");
        if (Task != other.Task) parts.Add("task");
        if (ModelHash != other.ModelHash) parts.Add("model");
        if (TargetHash != other.TargetHash) parts.Add("target");
        if (PoolHash != other.PoolHash) parts.Add("pool");
        if (LabelMapHash != other.LabelMapHash) parts.Add("label map");
        if (Fields != other.Fields) parts.Add("field mapping");
        if (Options != other.Options) parts.Add(OptionsName);
        if (Seed != other.Seed) parts.Add("seed");
        return parts.Count == 0 ? "schema" : "differs in " + string.Join(", ", parts);
    }
}
