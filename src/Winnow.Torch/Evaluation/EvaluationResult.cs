namespace Winnow.Torch.Evaluation;

/// <summary>
/// A test set's Eq. 7 loss: <see cref="MeanLoss"/> is the mean of the per-example losses over the
/// <see cref="IncludedExamples"/> with at least one predicted position (NaN if none). <see cref="Examples"/> is in
/// example order; <see cref="TokenLogProbs"/> too, when asked for.
/// </summary>
public sealed record EvaluationResult(
    double MeanLoss,
    int IncludedExamples,
    int ExcludedExamples,
    IReadOnlyList<ExampleLoss> Examples,
    IReadOnlyList<ExampleTokenLogProbs>? TokenLogProbs);
