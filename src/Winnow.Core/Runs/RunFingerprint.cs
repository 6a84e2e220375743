namespace Winnow.Core.Runs;

/// <summary>
/// The one fingerprint recipe of a run (docs/design.md, "Run folders"): the content hash of its identifying parts, one
/// per line, with the field mapping appended only when there is one, so runs made before field mappings existed keep
/// their fingerprints. A run's manifest chooses which parts (method or schema, input hashes, options, seed) and in
/// which order; that choice is fixed per manifest schema, because run folders and score files already written carry
/// the result.
/// </summary>
public static class RunFingerprint
{
    public static string Of(IEnumerable<string> parts, string? fields) =>
        ContentHash.OfText(string.Join("\n", parts) + (fields is null ? "" : "\nfields=" + fields));
}
