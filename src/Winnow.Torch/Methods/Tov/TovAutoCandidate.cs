using System.Text.Json.Serialization;

namespace Winnow.Torch.Methods.Tov;

/// <summary>One (ε, F) that <see cref="TovAuto"/> tried, and the held-out target loss its probe fine-tune reached.</summary>
public sealed record TovAutoCandidate(
    [property: JsonPropertyName("epsilon")] double Epsilon,
    [property: JsonPropertyName("transform")] ScoreTransform Transform,
    [property: JsonPropertyName("held_out_loss")] double HeldOutLoss);
