namespace Winnow.Experiments;

/// <summary>
/// One row of a study's diagnosis table at one budget: one of the study's own sets (test, target, pool) or a method,
/// averaged over its finished cells that have a composition file (each cell's value, then the mean over seeds).
/// </summary>
public sealed record DiagnosisRow(
    string Name,
    bool IsStudySet,
    int Cells,
    double Rows,
    double? InDomainShare,
    double? FromScoresShare,
    double? EntityTokenShare,
    double? NoEntityRowShare,
    double? MeanTokens,
    IReadOnlyDictionary<string, double>? EntityTypeShares,
    double? MeanPromptWords,
    double? MeanCompletionWords,
    double? MeanLoss,
    double? LossMinusRandom);
