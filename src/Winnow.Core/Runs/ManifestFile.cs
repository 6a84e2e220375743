using System.Text.Json;
using Winnow.Core.IO;

namespace Winnow.Core.Runs;

/// <summary>
/// The one reader and writer of a run's <c>manifest.json</c> (docs/design.md, "Run folders"), whichever schema: written
/// atomically as indented JSON and a final newline; read back with its schema checked. A manifest that cannot be read
/// is refused with the way to redo the run.
/// </summary>
public static class ManifestFile
{
    public const string FileName = "manifest.json";

    private const string Redo = "fit again with --force (or into another folder) to redo the run";

    public static void Save<T>(string path, T manifest, JsonSerializerOptions json) =>
        AtomicFile.WriteText(path, w => w.Write(JsonSerializer.Serialize(manifest, json) + "\n"));

    /// <summary>The manifest at <paramref name="path"/>, refused unless its schema (<paramref name="schemaOf"/>) is <paramref name="schemaName"/>.</summary>
    /// <param name="what">What it is called in messages ("ToV", "LESS", …).</param>
    public static T Load<T>(string path, JsonSerializerOptions json, string schemaName, Func<T, string> schemaOf, string what) where T : class
    {
        ArgumentNullException.ThrowIfNull(schemaOf);
        T manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<T>(File.ReadAllText(path), json)
                       ?? throw new InvalidDataException($"{path} is an empty {what} manifest; {Redo}.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a readable {what} manifest: {e.Message}; {Redo}.", e);
        }
        string schema = schemaOf(manifest);
        if (schema != schemaName)
            throw new InvalidDataException($"{path} has schema '{schema}', expected '{schemaName}'; {Redo}.");
        return manifest;
    }
}
