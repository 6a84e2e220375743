using System.Text.Json.Serialization;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// One predicted token of a row: what it is, its Δ_k = log p(θ_val^k) − log p(θ_bas^k) in every epoch k (the skipped
/// ones too), the mean over the epochs φ counts, and its share of φ under the score's transform: the token's weight in
/// the aggregation times the mean of F(Δ_k) over counted epochs, so the shares of a row sum to its score.
/// </summary>
public sealed record TovTokenChange(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("label"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Label,
    [property: JsonPropertyName("deltas")] IReadOnlyList<double> Deltas,
    [property: JsonPropertyName("mean_delta")] double MeanDelta,
    [property: JsonPropertyName("contribution")] double Contribution);
