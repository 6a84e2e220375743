using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Runs;

namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// RUN/manifest.json for TSDS: what the target embeddings were made from (content hashes of model, target, pool,
/// label map; the options) so a fit with the same inputs is reused and one with other inputs is refused.
/// </summary>
public sealed record TsdsManifest
{
    public const string SchemaName = "winnow.tsds-run.v1";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaName;
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("model_hash")] public string? ModelHash { get; init; }
    [JsonPropertyName("kind")] public TaskKind Kind { get; init; }
    [JsonPropertyName("target")] public IReadOnlyList<string> Target { get; init; } = [];
    [JsonPropertyName("target_hash")] public string TargetHash { get; init; } = "";
    [JsonPropertyName("pool")] public IReadOnlyList<string> Pool { get; init; } = [];
    [JsonPropertyName("pool_hash")] public string PoolHash { get; init; } = "";
    [JsonPropertyName("label_map")] public string? LabelMap { get; init; }
    [JsonPropertyName("label_map_hash")] public string? LabelMapHash { get; init; }

    /// <summary>The field mapping target and pool were read with (<see cref="Core.Data.FieldMapping"/> text); absent without one.</summary>
    [JsonPropertyName("fields"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Fields { get; init; }
    [JsonPropertyName("options")] public TsdsOptions Options { get; init; } = new();
    [JsonPropertyName("embedder")] public string Embedder { get; init; } = "";
    [JsonPropertyName("dimension")] public int Dimension { get; init; }
    [JsonPropertyName("target_size")] public int TargetSize { get; init; }
    [JsonPropertyName("target_embedding_bytes")] public long TargetEmbeddingBytes { get; init; }
    [JsonPropertyName("complete")] public bool Complete { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public void Save(string path) => ManifestFile.Save(path, this, Json);

    public static TsdsManifest Load(string path) => ManifestFile.Load<TsdsManifest>(path, Json, SchemaName, m => m.Schema, "TSDS");

    public static string OptionsJson(TsdsOptions options) => JsonSerializer.Serialize(options, Json);

    /// <summary>What the run store compares (<see cref="Core.Runs.RunStore"/>).</summary>
    public Core.Runs.RunHeader ToHeader() => new("tsds", Fingerprint)
    {
        Complete = Complete, Task = Kind.ToString(), ModelHash = ModelHash, TargetHash = TargetHash, PoolHash = PoolHash,
        LabelMapHash = LabelMapHash, Fields = Fields, Options = OptionsJson(Options),
    };
}
