using System.Text.Json.Serialization;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// What <see cref="TovAutoAggregate"/> chose between the mean and the summed φ, and why: the held-out target loss after
/// a short fine-tune on each aggregation's top rows (and on as many random rows, for reference). Saved as
/// RUN/auto-aggregate/choice.json and in the run's manifest.
/// </summary>
public sealed record TovAggregateChoice
{
    [JsonPropertyName("aggregation")] public TovAggregation Aggregation { get; init; }

    /// <summary>How the rows were tried (<see cref="TovFitOptions.AggregateProbe"/>); left out at the default.</summary>
    [JsonPropertyName("probe"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public TovAggregateProbe Probe { get; init; }

    /// <summary>Fingerprint of the run the choice was made for, so a changed run never reuses it.</summary>
    [JsonPropertyName("for_fingerprint")] public string ForFingerprint { get; init; } = "";
    [JsonPropertyName("held_out")] public int HeldOut { get; init; }
    [JsonPropertyName("probe_size")] public int ProbeSize { get; init; }
    [JsonPropertyName("probe_epochs")] public int ProbeEpochs { get; init; }
    [JsonPropertyName("mean_loss")] public double MeanLoss { get; init; }
    [JsonPropertyName("sum_loss")] public double SumLoss { get; init; }

    /// <summary>Held-out loss after the same short fine-tune on uniformly drawn rows (the fit probe only).</summary>
    [JsonPropertyName("random_loss"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? RandomLoss { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
}
