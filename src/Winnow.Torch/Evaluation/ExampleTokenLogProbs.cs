namespace Winnow.Torch.Evaluation;

/// <summary>log p of the gold target at each predicted position of one example, in position order.</summary>
public sealed record ExampleTokenLogProbs(int Index, string? Id, float[] LogProbs)
{
    public ExampleLoss ToLoss() => new(Index, Id, EvaluationMath.MeanNegative(LogProbs), LogProbs.Length);
}

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
