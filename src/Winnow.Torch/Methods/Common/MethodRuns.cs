using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Core.Scoring;
using Winnow.Torch.Methods.Tov;

namespace Winnow.Torch.Methods.Common;

/// <summary>
/// Reads run folders without knowing in advance which method wrote them: the one place that knows the four manifest
/// schemas written today (docs/design.md, "Run folders") and where each keeps its method, inputs and score-file keys.
/// </summary>
public static class MethodRuns
{
    public static bool IsTovManifest(string path) => SchemaOf(path) == TovManifest.SchemaName;

    /// <summary>The manifest's "schema" field: ToV, TSDS and LESS keep manifests of their own, the other methods share <see cref="MethodManifest"/>.</summary>
    private static string? SchemaOf(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.TryGetProperty("schema", out var schema) ? schema.GetString() : null;
    }

    /// <summary>The method and inputs of the run in <paramref name="runDirectory"/> (ToV's manifest has no method field: its schema says it).</summary>
    public static RunInfo Describe(string runDirectory)
    {
        string path = Path.Combine(runDirectory, MethodManifest.FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{runDirectory} is not a run folder (no manifest.json); run `winnow fit` first.", path);
        if (IsTovManifest(path))
        {
            var tov = TovManifest.Load(path);
            return new RunInfo(TovManifest.MethodName, tov.Options.Kind, tov.LabelMap, tov.Fingerprint, tov.PoolHash)
            {
                Fields = tov.Fields, FingerprintKey = TovScorer.FingerprintKey, PoolHashKey = TovScorer.PoolHashKey,
            };
        }
        if (SchemaOf(path) is Tsds.TsdsManifest.SchemaName)
        {
            var tsds = Tsds.TsdsManifest.Load(path);
            return new RunInfo("tsds", tsds.Kind, tsds.LabelMap, tsds.Fingerprint, tsds.PoolHash)
            {
                Fields = tsds.Fields, FingerprintKey = Tsds.TsdsMethod.FingerprintKey, PoolHashKey = Tsds.TsdsMethod.PoolHashKey,
            };
        }
        if (SchemaOf(path) is Less.LessManifest.SchemaName)
        {
            var less = Less.LessManifest.Load(path);
            return new RunInfo(Less.LessMethod.MethodName, less.Options.Kind, less.LabelMap, less.Fingerprint, less.PoolHash)
            {
                Fields = less.Fields, FingerprintKey = Less.LessMethod.FingerprintKey, PoolHashKey = Less.LessMethod.PoolHashKey,
            };
        }
        var manifest = MethodManifest.Load(path);
        return new RunInfo(manifest.Method, manifest.Kind, manifest.LabelMap, manifest.Fingerprint, manifest.PoolHash) { Fields = manifest.Fields };
    }

    /// <summary>Whether <paramref name="scoresPath"/> was written by this run for its fitted pool, so a pipeline can reuse it.</summary>
    public static bool IsCurrent(string scoresPath, RunInfo run)
    {
        if (!File.Exists(scoresPath)) return false;
        try
        {
            var metadata = ScoreFile.ReadMetadata(scoresPath);
            return metadata.TryGetValue(run.FingerprintKey, out var f) && f == run.Fingerprint
                   && metadata.TryGetValue(run.PoolHashKey, out var p) && p == run.PoolHash;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or Parquet.ParquetException)
        {
            return false;
        }
    }
}
