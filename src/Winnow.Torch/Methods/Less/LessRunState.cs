using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.Runs;

namespace Winnow.Torch.Methods.Less;

/// <summary>
/// LESS's part of its run's manifest (<see cref="RunManifest.State"/>): the pool and warm-up sizes, the target rows,
/// the gradient size P and η̄_i per checkpoint. The field names are those of the v1 LESS manifest, so a run folder
/// written before the shared manifest migrates into this record as it is.
/// </summary>
public sealed record LessRunState
{
    [JsonPropertyName("pool_size")] public int PoolSize { get; init; }
    [JsonPropertyName("warmup_size")] public int WarmupSize { get; init; }
    [JsonPropertyName("target_rows")] public int TargetRows { get; init; }
    [JsonPropertyName("gradient_size")] public long GradientSize { get; init; }
    [JsonPropertyName("checkpoints")] public IReadOnlyList<LessCheckpointRecord> Checkpoints { get; init; } = [];

    /// <summary>LESS's JSON format of its options and state. The options' text in it is part of the run's fingerprint, so it must not change.</summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The options' text as it enters the fingerprint.</summary>
    public static string OptionsJson(LessOptions options) => JsonSerializer.Serialize(options, Json);

    /// <summary>η̄_i normalised to sum to 1 (LESS weights each checkpoint's cosine by its share of the learning rate).</summary>
    public double[] CheckpointWeights()
    {
        double total = Checkpoints.Sum(c => c.MeanLearningRate);
        return total > 0
            ? Checkpoints.Select(c => c.MeanLearningRate / total).ToArray()
            : Checkpoints.Select(_ => 1.0 / Checkpoints.Count).ToArray();
    }
}
