using System.Globalization;
using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Core.Scoring;

namespace Winnow.Methods.Common;

/// <summary>
/// The manifest a fit plans to write (<see cref="RunManifest"/>), with its fingerprint. Each method's fingerprint is
/// made by <see cref="RunFingerprint.Of"/> from parts fixed when its run folders were first written, so they are kept
/// exactly: the methods with settings (random, uncertainty, DSIR) hash their recipe name, method, task, inputs, seed and
/// settings; the methods with options records (ToV, LESS) their recipe name, inputs and options text; TSDS its own
/// (<c>TsdsMethod</c>). The recipe names are those of the v1 manifest schemas: a name in a fingerprint is
/// a recipe, not a file format, so it stays when the file format changes.
/// </summary>
public static class RunPlans
{
    /// <summary>The recipe of the methods with settings (named after their v1 manifest schema).</summary>
    public const string SettingsRecipe = "winnow.method-run.v1";

    /// <summary>A fit of a method with string settings: hashes every input given (a method that does not use the target may get none).</summary>
    public static RunManifest ForSettings(string method, MethodFitRequest request, IReadOnlyDictionary<string, string> resolvedSettings)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? model = request.Model is null ? null : ContentHash.OfPaths([request.Model]);
        string? target = request.Target.Count == 0 ? null : ContentHash.OfPaths(request.Target);
        string pool = ContentHash.OfPaths(request.Pool);
        string? map = request.LabelMap is null ? null : ContentHash.OfFile(request.LabelMap);
        var settings = new SortedDictionary<string, string>(resolvedSettings.ToDictionary(), StringComparer.Ordinal);
        string? fields = request.Fields?.ToString();
        string fingerprint = RunFingerprint.Of([SettingsRecipe, method, request.Kind.ToString(), model ?? "", target ?? "", pool, map ?? "",
            request.Seed.ToString(CultureInfo.InvariantCulture), string.Join("\n", settings.Select(kv => kv.Key + "=" + kv.Value))], fields);
        return Inputs(method, request.Kind, request.Model, request.Target, request.Pool, request.LabelMap) with
        {
            Fingerprint = fingerprint, ModelHash = model, TargetHash = target, PoolHash = pool, LabelMapHash = map, Fields = fields,
            Options = JsonSerializer.SerializeToElement(settings), Seed = request.Seed,
        };
    }

    /// <summary>
    /// A fit of a method with an options record (ToV, LESS): <paramref name="recipe"/> goes into the fingerprint so runs
    /// of different methods never match; <paramref name="optionsJson"/> is the options' text in the method's format.
    /// </summary>
    public static RunManifest ForOptions(string recipe, string method, TaskKind kind, string model, IReadOnlyList<string> target, IReadOnlyList<string> pool,
        string? labelMap, string optionsJson, string? fields)
    {
        string modelHash = ContentHash.OfPaths([model]);
        string targetHash = ContentHash.OfPaths(target);
        string poolHash = ContentHash.OfPaths(pool);
        string? mapHash = labelMap is null ? null : ContentHash.OfFile(labelMap);
        string fingerprint = RunFingerprint.Of([recipe, modelHash, targetHash, poolHash, mapHash ?? "", optionsJson], fields);
        return Inputs(method, kind, model, target, pool, labelMap) with
        {
            Fingerprint = fingerprint, ModelHash = modelHash, TargetHash = targetHash, PoolHash = poolHash, LabelMapHash = mapHash, Fields = fields,
            Options = JsonDocument.Parse(optionsJson).RootElement.Clone(),
        };
    }

    /// <summary>The header's paths, as absolute paths so the run can be read from anywhere.</summary>
    public static RunManifest Inputs(string method, TaskKind kind, string? model, IReadOnlyList<string> target, IReadOnlyList<string> pool, string? labelMap) => new()
    {
        Method = method,
        Kind = kind,
        Model = model is null ? null : Path.GetFullPath(model),
        Target = target.Select(Path.GetFullPath).ToArray(),
        Pool = pool.Select(Path.GetFullPath).ToArray(),
        LabelMap = labelMap is null ? null : Path.GetFullPath(labelMap),
        Created = DateTimeOffset.UtcNow,
    };

    /// <summary>The settings of a run of a method with settings (<see cref="ForSettings"/>), by key.</summary>
    public static IReadOnlyDictionary<string, string> SettingsOf(RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest.OptionsAs<Dictionary<string, string>>(JsonSerializerOptions.Default);
    }

    /// <summary>How the run read its target and pool: the task, label map and field mapping it records.</summary>
    public static ReadOptions ReadOptionsFor(RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return RunReadOptions.For(manifest.Kind, manifest.LabelMap, manifest.Fields);
    }

    /// <summary>Footer metadata every score file of a method with settings carries (method, run fingerprint, pool hash).</summary>
    public static Dictionary<string, string> ScoreMetadata(RunManifest manifest, string poolHash)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new()
        {
            [ScoreFile.MethodKey] = manifest.Method,
            [ScoreFile.FingerprintKey] = manifest.Fingerprint,
            [ScoreFile.PoolHashKey] = poolHash,
        };
    }
}
