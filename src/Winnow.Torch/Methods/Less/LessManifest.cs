using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.IO;
using Winnow.Core.Runs;

namespace Winnow.Torch.Methods.Less;

/// <summary>
/// RUN/manifest.json: inputs' content hashes, the options, the checkpoints' η̄_i and the gradient size P. The
/// fingerprint covers the inputs and options: the same inputs reuse a complete run, other inputs are refused.
/// </summary>
public sealed record LessManifest
{
    public const string SchemaName = "winnow.less-run.v1";

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
    [JsonPropertyName("options")] public LessOptions Options { get; init; } = new();
    [JsonPropertyName("pool_size")] public int PoolSize { get; init; }
    [JsonPropertyName("warmup_size")] public int WarmupSize { get; init; }
    [JsonPropertyName("target_rows")] public int TargetRows { get; init; }
    [JsonPropertyName("gradient_size")] public long GradientSize { get; init; }
    [JsonPropertyName("checkpoints")] public IReadOnlyList<LessCheckpointRecord> Checkpoints { get; init; } = [];
    [JsonPropertyName("complete")] public bool Complete { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public void Save(string path) => ManifestFile.Save(path, this, Json);

    public static LessManifest Load(string path) => ManifestFile.Load<LessManifest>(path, Json, SchemaName, m => m.Schema, "LESS");

    public static string OptionsJson(LessOptions options) => JsonSerializer.Serialize(options, Json);

    /// <summary>What the run store compares (<see cref="Core.Runs.RunStore"/>).</summary>
    public Core.Runs.RunHeader ToHeader() => new(LessMethod.MethodName, Fingerprint)
    {
        Complete = Complete, ModelHash = ModelHash, TargetHash = TargetHash, PoolHash = PoolHash, LabelMapHash = LabelMapHash,
        Fields = Fields, Options = OptionsJson(Options),
    };

    /// <summary>η̄_i normalised to sum to 1 (LESS weights each checkpoint's cosine by its share of the learning rate).</summary>
    public double[] CheckpointWeights()
    {
        double total = Checkpoints.Sum(c => c.MeanLearningRate);
        return total > 0
            ? Checkpoints.Select(c => c.MeanLearningRate / total).ToArray()
            : Checkpoints.Select(_ => 1.0 / Checkpoints.Count).ToArray();
    }
}
