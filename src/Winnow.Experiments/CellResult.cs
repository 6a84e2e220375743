namespace Winnow.Experiments;

/// <summary>One finished cell (method × budget × seed): <c>cells/&lt;key&gt;.json</c>.</summary>
public sealed record CellResult(
    string Method,
    int Budget,
    int Seed,
    int Selected,
    IReadOnlyDictionary<string, int> BySource,
    double TestLoss,
    double TestLossStdErr,
    double? F1,
    double? Precision,
    double? Recall,
    double SelectSeconds,
    double FinetuneSeconds,
    string Artifact)
{
    public string Key => CellKey(Method, Budget, Seed);

    /// <summary>The epoch whose weights were judged, when the study picks it on validation.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? KeptEpoch { get; init; }

    /// <summary>Validation loss after each epoch, when the study has a validation slice.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? ValidationLosses { get; init; }

    public static string CellKey(string method, int budget, int seed) => $"{method}__b{budget}__s{seed}";
}
