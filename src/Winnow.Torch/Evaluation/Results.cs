namespace Winnow.Torch.Evaluation;

/// <summary>
/// One example's Eq. 7 loss: the mean −log p over its <paramref name="PredictedTokens"/> predicted positions.
/// NaN when it has none (it then has no loss and is left out of every mean).
/// </summary>
public sealed record ExampleLoss(int Index, string? Id, double Loss, int PredictedTokens);

/// <summary>log p of the gold target at each predicted position of one example, in position order.</summary>
public sealed record ExampleTokenLogProbs(int Index, string? Id, float[] LogProbs)
{
    public ExampleLoss ToLoss() => new(Index, Id, EvaluationMath.MeanNegative(LogProbs), LogProbs.Length);
}

/// <summary>
/// One example's per-token log-probabilities under each model state, in the order the states were given; every
/// array covers the same positions, so <c>PerState[1][t] − PerState[0][t]</c> is token t's change.
/// </summary>
public sealed record MultiStateTokenLogProbs(int Index, string? Id, IReadOnlyList<float[]> PerState);

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

/// <summary>Batches and examples done so far.</summary>
public sealed record EvaluationProgress(int Batches, int Examples);

internal static class EvaluationMath
{
    public static double MeanNegative(float[] logProbs)
    {
        if (logProbs.Length == 0) return double.NaN;
        double sum = 0;
        foreach (var v in logProbs) sum -= v;
        return sum / logProbs.Length;
    }
}
