using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Runs;

namespace Winnow.Torch.Methods.Common;

/// <summary>
/// RUN/manifest.json of every method but ToV (which keeps its richer <see cref="Tov.TovManifest"/>): the method, the
/// inputs' content hashes, the resolved settings and seed. <see cref="Fingerprint"/> covers exactly those, so fit
/// with the same inputs reuses a complete run and fit with other inputs is refused (or replaced with Force).
/// </summary>
public sealed record MethodManifest
{
    public const string SchemaName = "winnow.method-run.v1";
    public const string FileName = ManifestFile.FileName;

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaName;
    [JsonPropertyName("method")] public string Method { get; init; } = "";
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("kind")] public TaskKind Kind { get; init; }
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("model_hash")] public string? ModelHash { get; init; }
    [JsonPropertyName("target")] public IReadOnlyList<string> Target { get; init; } = [];
    [JsonPropertyName("target_hash")] public string? TargetHash { get; init; }
    [JsonPropertyName("pool")] public IReadOnlyList<string> Pool { get; init; } = [];
    [JsonPropertyName("pool_hash")] public string PoolHash { get; init; } = "";
    [JsonPropertyName("label_map")] public string? LabelMap { get; init; }
    [JsonPropertyName("label_map_hash")] public string? LabelMapHash { get; init; }

    /// <summary>The field mapping target and pool were read with (<see cref="FieldMapping"/> text); absent without one.</summary>
    [JsonPropertyName("fields"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Fields { get; init; }

    /// <summary>Every setting after defaults were resolved, as text, sorted by key.</summary>
    [JsonPropertyName("settings")] public SortedDictionary<string, string> Settings { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    [JsonPropertyName("bytes_written")] public long BytesWritten { get; init; }

    /// <summary>Written last, so a fit that stopped half-way is redone rather than reused.</summary>
    [JsonPropertyName("complete")] public bool Complete { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public void Save(string path) => ManifestFile.Save(path, this, Json);

    public static MethodManifest Load(string path) => ManifestFile.Load<MethodManifest>(path, Json, SchemaName, m => m.Schema, "method");

    /// <summary>The manifest of a fit about to run: hashes every input given (a method that does not use the target may get none).</summary>
    public static MethodManifest ForFit(string method, MethodFitRequest request, IReadOnlyDictionary<string, string> resolvedSettings)
    {
        string? model = request.Model is null ? null : ContentHash.OfPaths([request.Model]);
        string? target = request.Target.Count == 0 ? null : ContentHash.OfPaths(request.Target);
        string pool = ContentHash.OfPaths(request.Pool);
        string? map = request.LabelMap is null ? null : ContentHash.OfFile(request.LabelMap);
        var settings = new SortedDictionary<string, string>(resolvedSettings.ToDictionary(), StringComparer.Ordinal);
        string? fields = request.Fields?.ToString();
        // The mapping enters the fingerprint only when there is one, so runs made without one keep their fingerprints.
        string fingerprint = RunFingerprint.Of([SchemaName, method, request.Kind.ToString(), model ?? "", target ?? "", pool, map ?? "",
            request.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join("\n", settings.Select(kv => kv.Key + "=" + kv.Value))], fields);
        return new MethodManifest
        {
            Method = method,
            Fingerprint = fingerprint,
            Kind = request.Kind,
            Model = request.Model is null ? null : Path.GetFullPath(request.Model),
            ModelHash = model,
            Target = request.Target.Select(Path.GetFullPath).ToArray(),
            TargetHash = target,
            Pool = request.Pool.Select(Path.GetFullPath).ToArray(),
            PoolHash = pool,
            LabelMap = request.LabelMap is null ? null : Path.GetFullPath(request.LabelMap),
            LabelMapHash = map,
            Fields = fields,
            Settings = settings,
            Seed = request.Seed,
            Created = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>What the run store compares (<see cref="RunStore"/>).</summary>
    public RunHeader ToHeader() => new(Method, Fingerprint)
    {
        Complete = Complete, Task = Kind.ToString(), ModelHash = ModelHash, TargetHash = TargetHash, PoolHash = PoolHash,
        LabelMapHash = LabelMapHash, Fields = Fields, Options = string.Join("\n", Settings.Select(kv => kv.Key + "=" + kv.Value)),
        OptionsName = "settings", Seed = Seed,
    };

    /// <summary>What changed against <paramref name="other"/>, for the refusal message.</summary>
    public string Differences(MethodManifest other) => ToHeader().Differences(other.ToHeader());
}
