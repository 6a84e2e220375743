using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Core.Scoring;
using Winnow.Torch.Methods.Tov;

namespace Winnow.Torch.Methods.Common;

/// <summary>Reads run folders without knowing in advance which method wrote them.</summary>
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
            return new RunInfo("tov", tov.Options.Kind, tov.LabelMap, tov.Fingerprint, tov.PoolHash) { Fields = tov.Fields };
        }
        if (SchemaOf(path) is Tsds.TsdsManifest.SchemaName)
        {
            var tsds = Tsds.TsdsManifest.Load(path);
            return new RunInfo("tsds", tsds.Kind, tsds.LabelMap, tsds.Fingerprint, tsds.PoolHash) { Fields = tsds.Fields };
        }
        if (SchemaOf(path) is Less.LessManifest.SchemaName)
        {
            var less = Less.LessManifest.Load(path);
            return new RunInfo("less", less.Options.Kind, less.LabelMap, less.Fingerprint, less.PoolHash) { Fields = less.Fields };
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
            var (fingerprintKey, poolKey) = run.Method switch
            {
                "tov" => (TovScorer.FingerprintKey, TovScorer.PoolHashKey),
                "tsds" => (Tsds.TsdsMethod.FingerprintKey, Tsds.TsdsMethod.PoolHashKey),
                "less" => (Less.LessMethod.FingerprintKey, Less.LessMethod.PoolHashKey),
                _ => (ScoreFile.FingerprintKey, ScoreFile.PoolHashKey),
            };
            return metadata.TryGetValue(fingerprintKey, out var f) && f == run.Fingerprint
                   && metadata.TryGetValue(poolKey, out var p) && p == run.PoolHash;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or Parquet.ParquetException)
        {
            return false;
        }
    }
}
