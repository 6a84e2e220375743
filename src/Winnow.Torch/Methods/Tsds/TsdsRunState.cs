using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.Runs;

namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// TSDS's part of its run's manifest (<see cref="RunManifest.State"/>): what embedded the target and how large the
/// embeddings are. The field names are those of the v1 TSDS manifest, so a run folder written before the shared
/// manifest migrates into this record as it is.
/// </summary>
public sealed record TsdsRunState
{
    [JsonPropertyName("embedder")] public string Embedder { get; init; } = "";
    [JsonPropertyName("dimension")] public int Dimension { get; init; }
    [JsonPropertyName("target_size")] public int TargetSize { get; init; }
    [JsonPropertyName("target_embedding_bytes")] public long TargetEmbeddingBytes { get; init; }

    /// <summary>TSDS's JSON format of its options and state. The options' text in it is part of the run's fingerprint, so it must not change.</summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The options' text as it enters the fingerprint.</summary>
    public static string OptionsJson(TsdsOptions options) => JsonSerializer.Serialize(options, Json);
}
