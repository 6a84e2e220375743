using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.IO;
using Winnow.Core.Runs;

using Winnow.Torch.Methods.Common;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// RUN/manifest.json: what the run was made from (content hashes of model, target and pool, the full options, U)
/// and how far it got. <see cref="Fingerprint"/> covers the inputs only, so a re-run with the same inputs resumes
/// and one with other inputs is refused.
/// </summary>
public sealed record TovManifest
{
    public const string SchemaName = "winnow.tov-run.v1";

    /// <summary>The registered method's name (the schema names it; the manifest has no method field).</summary>
    public const string MethodName = "tov";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaName;
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("model")] public string Model { get; init; } = "";
    [JsonPropertyName("model_hash")] public string ModelHash { get; init; } = "";
    [JsonPropertyName("target")] public IReadOnlyList<string> Target { get; init; } = [];
    [JsonPropertyName("target_hash")] public string TargetHash { get; init; } = "";
    [JsonPropertyName("pool")] public IReadOnlyList<string> Pool { get; init; } = [];
    [JsonPropertyName("pool_hash")] public string PoolHash { get; init; } = "";
    [JsonPropertyName("label_map")] public string? LabelMap { get; init; }
    [JsonPropertyName("label_map_hash")] public string? LabelMapHash { get; init; }

    /// <summary>The field mapping target and pool were read with (<see cref="Core.Data.FieldMapping"/> text); absent without one.</summary>
    [JsonPropertyName("fields"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Fields { get; init; }
    [JsonPropertyName("options")] public TovFitOptions Options { get; init; } = new();
    [JsonPropertyName("pool_size")] public int PoolSize { get; init; }
    [JsonPropertyName("target_size")] public int TargetSize { get; init; }
    [JsonPropertyName("base_size")] public int BaseSize { get; init; }
    [JsonPropertyName("base_set_hash")] public string BaseSetHash { get; init; } = "";
    [JsonPropertyName("epochs")] public int Epochs { get; init; }
    [JsonPropertyName("completed_epochs")] public IReadOnlyList<TovEpochRecord> CompletedEpochs { get; init; } = [];
    [JsonPropertyName("complete")] public bool Complete { get; init; }

    /// <summary>What <see cref="TovAuto"/> chose (ε and transform, now in <see cref="Options"/>) and the probe table; absent without auto.</summary>
    [JsonPropertyName("auto"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public TovAutoChoice? Auto { get; init; }

    // Enums as names so the manifest reads well; NaN losses (an epoch with no usable batch) stay representable.
    // Also the format of what the manifest embeds and a run writes beside it (auto/choice.json).
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public void Save(string path) => ManifestFile.Save(path, this, Json);

    public static TovManifest Load(string path) => ManifestFile.Load<TovManifest>(path, Json, SchemaName, m => m.Schema, "ToV");

    public static string OptionsJson(TovFitOptions options) => JsonSerializer.Serialize(options, Json);

    /// <summary>What the run store compares (<see cref="Core.Runs.RunStore"/>).</summary>
    public Core.Runs.RunHeader ToHeader() => new(MethodName, Fingerprint)
    {
        Complete = Complete, ModelHash = ModelHash, TargetHash = TargetHash, PoolHash = PoolHash, LabelMapHash = LabelMapHash,
        Fields = Fields, Options = OptionsJson(Options),
    };
}
