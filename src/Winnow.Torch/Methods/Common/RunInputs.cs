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

    /// <summary>The planned run as the run store compares it (<see cref="RunStore"/>).</summary>
    public RunHeader ToHeader(string method) => new(method, Fingerprint)
    {
        ModelHash = Model, TargetHash = Target, PoolHash = Pool, LabelMapHash = LabelMap, Fields = Fields, Options = OptionsJson,
    };
}
