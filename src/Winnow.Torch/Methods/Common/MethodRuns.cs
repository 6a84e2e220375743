using Winnow.Core.Runs;
using Winnow.Core.Scoring;
using Winnow.Methods.Common;

namespace Winnow.Torch.Methods.Common;

/// <summary>
/// Reads run folders without knowing in advance which method wrote them: every manifest (of today's schema, or of an
/// earlier one migrated on read by <see cref="RunFolder"/>) names its method, inputs and fingerprint; the method says
/// under which footer keys its score files carry them.
/// </summary>
public static class MethodRuns
{
    /// <summary>The method and inputs of the run in <paramref name="runDirectory"/>.</summary>
    public static RunInfo Describe(string runDirectory)
    {
        var folder = new RunFolder(runDirectory);
        var manifest = folder.Read()
                       ?? throw new FileNotFoundException($"{runDirectory} is not a run folder (no manifest.json); run `winnow fit` first.", folder.ManifestPath);
        var info = new RunInfo(manifest.Method, manifest.Kind, manifest.LabelMap, manifest.Fingerprint, manifest.PoolHash) { Fields = manifest.Fields };
        return SelectionMethods.TryGet(manifest.Method, out var method)
            ? info with { FingerprintKey = method.ScoreFingerprintKey, PoolHashKey = method.ScorePoolHashKey }
            : info;
    }

    /// <summary>Whether <paramref name="scoresPath"/> was written by this run for its fitted pool, so a pipeline can reuse it.</summary>
    public static bool IsCurrent(string scoresPath, RunInfo run)
    {
        ArgumentNullException.ThrowIfNull(run);
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
