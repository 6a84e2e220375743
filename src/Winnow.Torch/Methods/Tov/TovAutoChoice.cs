using System.Text.Json.Serialization;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// What <see cref="TovAuto"/> chose and why: the held-out target loss after a short fine-tune on each candidate's
/// top rows (and on as many random rows, for reference). Saved as RUN/auto/choice.json and in the run's manifest.
/// </summary>
public sealed record TovAutoChoice
{
    [JsonPropertyName("epsilon")] public double Epsilon { get; init; }
    [JsonPropertyName("transform")] public ScoreTransform Transform { get; init; }

    /// <summary>Fingerprint of the run the choice was made for, so a changed run never reuses it.</summary>
    [JsonPropertyName("for_fingerprint")] public string ForFingerprint { get; init; } = "";
    [JsonPropertyName("held_out")] public int HeldOut { get; init; }
    [JsonPropertyName("probe_size")] public int ProbeSize { get; init; }
    [JsonPropertyName("probe_epochs")] public int ProbeEpochs { get; init; }

    /// <summary>Held-out loss after the same short fine-tune on uniformly drawn rows.</summary>
    [JsonPropertyName("random_loss")] public double RandomLoss { get; init; }
    [JsonPropertyName("candidates")] public IReadOnlyList<TovAutoCandidate> Candidates { get; init; } = [];
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
}
