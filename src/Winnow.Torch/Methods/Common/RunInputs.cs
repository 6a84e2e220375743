using Winnow.Core.Runs;

namespace Winnow.Torch.Methods.Common;

/// <summary>
/// Content hashes of a fit's inputs and options, and the fingerprint over them that decides whether a run folder is
/// reused or refused. Shared by the methods that keep a manifest type of their own (ToV, LESS).
/// </summary>
public sealed record RunInputs(string Model, string Target, string Pool, string? LabelMap, string OptionsJson, string Fingerprint)
{
    /// <summary>The field mapping's canonical text (<see cref="Core.Data.FieldMapping"/>), null without one.</summary>
    public string? Fields { get; init; }

    /// <summary>
    /// Hashes the inputs; <paramref name="schema"/> goes into the fingerprint so runs of different methods never match.
    /// A field mapping enters the fingerprint only when there is one, so runs made without one keep their fingerprints.
    /// </summary>
    public static RunInputs Hash(string schema, string model, IReadOnlyList<string> target, IReadOnlyList<string> pool, string? labelMap, string optionsJson,
        string? fields = null)
    {
        string modelHash = ContentHash.OfPaths([model]);
        string targetHash = ContentHash.OfPaths(target);
        string poolHash = ContentHash.OfPaths(pool);
        string? mapHash = labelMap is null ? null : ContentHash.OfFile(labelMap);
        string fingerprint = RunFingerprint.Of([schema, modelHash, targetHash, poolHash, mapHash ?? "", optionsJson], fields);
        return new RunInputs(modelHash, targetHash, poolHash, mapHash, optionsJson, fingerprint) { Fields = fields };
    }

    /// <summary>Which inputs differ from a stored run's, for the refusal message.</summary>
    public string DifferencesFrom(string? modelHash, string targetHash, string poolHash, string? labelMapHash, string optionsJson, string? fields = null)
    {
        var parts = new List<string>();
        if (modelHash != Model) parts.Add("model");
        if (targetHash != Target) parts.Add("target");
        if (poolHash != Pool) parts.Add("pool");
        if (labelMapHash != LabelMap) parts.Add("label map");
        if (fields != Fields) parts.Add("field mapping");
        if (optionsJson != OptionsJson) parts.Add("options");
        return parts.Count == 0 ? "schema" : "differs in " + string.Join(", ", parts);
    }
}
