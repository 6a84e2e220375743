using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.Runs;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// ToV's part of its run's manifest (<see cref="RunManifest.State"/>): how large the pool, target and U were, the
/// epochs and how far the fit got, and what auto chose. The field names are those of the v1 ToV manifest, so a run
/// folder written before the shared manifest migrates into this record as it is.
/// </summary>
public sealed record TovRunState
{
    [JsonPropertyName("pool_size")] public int PoolSize { get; init; }
    [JsonPropertyName("target_size")] public int TargetSize { get; init; }
    [JsonPropertyName("base_size")] public int BaseSize { get; init; }
    [JsonPropertyName("base_set_hash")] public string BaseSetHash { get; init; } = "";
    [JsonPropertyName("epochs")] public int Epochs { get; init; }
    [JsonPropertyName("completed_epochs")] public IReadOnlyList<TovEpochRecord> CompletedEpochs { get; init; } = [];

    /// <summary>
    /// The fitted target's rows as encoded: tokens read and tokens predicted, one per row. The scorer writes them into
    /// the score file's footer so that a selection can weight its length bins by the target (<c>bin_weights=target</c>);
    /// absent in runs fitted before 2026-12-03.
    /// </summary>
    [JsonPropertyName("target_lengths"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<int>? TargetLengths { get; init; }
    [JsonPropertyName("target_predicted"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<int>? TargetPredicted { get; init; }

    /// <summary>
    /// NER fits: the share of the target's rows with a pool row nearer than the other half of the target
    /// (<see cref="Core.Selection.PoolKinship"/>), which <c>bin_weights=auto</c> reads from the score file; absent in
    /// instruction fits and in runs fitted before 2026-12-03's ninth session.
    /// </summary>
    [JsonPropertyName("pool_nearer_share"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? PoolNearerShare { get; init; }

    /// <summary>
    /// NER fits: each target row's nearest pool rows (pool row numbers, <see cref="TovFitter.TargetNeighbourCount"/> a
    /// target row), which <c>bin_weights=neighbours</c> reads from the score file; absent where the share is.
    /// </summary>
    [JsonPropertyName("target_neighbours"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<long>? TargetNeighbours { get; init; }

    /// <summary>What <see cref="TovAuto"/> chose (ε and transform, now in the options) and the probe table; absent without auto.</summary>
    [JsonPropertyName("auto"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public TovAutoChoice? Auto { get; init; }

    /// <summary>What <see cref="TovAutoAggregate"/> chose (the aggregation, now in the options) and its probes; absent without it.</summary>
    [JsonPropertyName("auto_aggregate"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public TovAggregateChoice? AutoAggregate { get; init; }

    /// <summary>
    /// ToV's JSON format, of its options and state in the manifest and of auto/choice.json: enums as names so the
    /// manifest reads well; NaN losses (an epoch with no usable batch) stay representable. The options' text in this
    /// format is part of the run's fingerprint, so it must not change.
    /// </summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The options' text as it enters the fingerprint.</summary>
    public static string OptionsJson(TovFitOptions options) => JsonSerializer.Serialize(options, Json);
}
