using System.Text.Json.Serialization;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// Why one pool row scored as it did: the row as the score file has it, how φ was computed, every predicted token's
/// change per epoch (NER: the word and its gold label; instruction data: the completion token), and φ recomputed from
/// those changes, which equals the file's. A row that has no score (in U, or not encodable) comes with a
/// <see cref="Note"/> instead of tokens.
/// </summary>
public sealed record TovExplanation
{
    [JsonPropertyName("row")] public long Row { get; init; }
    [JsonPropertyName("source")] public string Source { get; init; } = "";
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("in_base")] public bool InBase { get; init; }
    [JsonPropertyName("length")] public int Length { get; init; }
    [JsonPropertyName("predicted")] public int Predicted { get; init; }

    /// <summary>The task kind: "instruction" (tokens are completion tokens) or "ner" (tokens are words).</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";

    [JsonPropertyName("transform")] public string Transform { get; init; } = "";
    [JsonPropertyName("aggregation")] public string Aggregation { get; init; } = "";
    [JsonPropertyName("epochs")] public int Epochs { get; init; }
    [JsonPropertyName("skip_epochs")] public int SkipEpochs { get; init; }

    /// <summary>The row's values in the score file.</summary>
    [JsonPropertyName("file")] public TovPhiValues File { get; init; } = new(double.NaN, double.NaN, double.NaN, double.NaN, []);

    /// <summary>
    /// How many fits the file's φ are the mean of (<see cref="TovFitOptions.Fits"/>; 1 for the paper's ToV). With more
    /// than one, <see cref="Tokens"/> and <see cref="Recomputed"/> are the first fit's, so they need not equal the file.
    /// </summary>
    [JsonPropertyName("fits")] public int Fits { get; init; } = 1;

    /// <summary>φ recomputed from <see cref="Tokens"/>' changes with the same settings; null without tokens.</summary>
    [JsonPropertyName("recomputed")] public TovPhiValues? Recomputed { get; init; }

    /// <summary>Predicted tokens in text order.</summary>
    [JsonPropertyName("tokens")] public IReadOnlyList<TovTokenChange> Tokens { get; init; } = [];

    /// <summary>Why there is nothing to explain (in U, not encodable); null for a scored row.</summary>
    [JsonPropertyName("note"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Note { get; init; }

    /// <summary>The <paramref name="count"/> tokens that raised φ most (largest positive shares), largest first.</summary>
    public IReadOnlyList<TovTokenChange> Raising(int count) =>
        Tokens.Where(t => t.Contribution > 0).OrderByDescending(t => t.Contribution).ThenBy(t => t.Index).Take(count).ToList();

    /// <summary>The <paramref name="count"/> tokens that lowered φ most (most negative shares), lowest first.</summary>
    public IReadOnlyList<TovTokenChange> Lowering(int count) =>
        Tokens.Where(t => t.Contribution < 0).OrderBy(t => t.Contribution).ThenBy(t => t.Index).Take(count).ToList();
}
