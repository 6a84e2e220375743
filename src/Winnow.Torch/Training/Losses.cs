using TorchSharp;
using static TorchSharp.torch;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Training;

/// <summary>
/// The fine-tuning loss of paper Eq. 7: for each example the mean of −log p over its predicted positions
/// (<c>TargetMask</c>), then the mean over examples. Long and short responses weigh the same, which a plain
/// token mean would not give.
/// </summary>
public static class Losses
{
    /// <summary>[B] float count of predicted positions per example.</summary>
    public static Tensor PredictedCounts(Tensor mask) => mask.to_type(ScalarType.Float32).sum(1);

    /// <summary>
    /// [B] mean −log p over each example's predicted positions. An example with no predicted position has no
    /// loss; it gets 0 here and <see cref="MeanExampleLoss"/> leaves it out of the mean (see <see cref="PredictedCounts"/>).
    /// </summary>
    public static Tensor PerExampleLoss(Tensor logProbs, Tensor mask)
    {
        CheckShapes(logProbs, mask);
        // masked_fill rather than a product: a model may leave -inf at unpredicted positions and 0·-inf is NaN.
        // Held Scalars, not implicit temporaries (see Runtime/SafeScalars).
        var kept = logProbs.masked_fill(mask.logical_not(), SafeScalars.Of(0.0));
        var counts = mask.to_type(kept.dtype).sum(1);
        return kept.sum(1).neg().div(counts.clamp_min(SafeScalars.Of(1.0)));
    }

    /// <summary>Eq. 7 over a batch: the mean of <see cref="PerExampleLoss"/> over examples with at least one predicted position.</summary>
    public static MeanLoss MeanExampleLoss(Tensor logProbs, Tensor mask)
    {
        var perExample = PerExampleLoss(logProbs, mask);
        var included = mask.any(1);
        long includedCount = included.sum().item<long>();
        // Rows without predictions are 0 in perExample, so summing all and dividing by the included count is exact.
        using Scalar count = SafeScalars.Owned(Math.Max(includedCount, 1));
        var value = perExample.sum().div(count);
        return new MeanLoss(value, includedCount, perExample.shape[0] - includedCount);
    }

    private static void CheckShapes(Tensor logProbs, Tensor mask)
    {
        if (logProbs.dim() != 2 || !logProbs.shape.SequenceEqual(mask.shape))
            throw new ArgumentException(
                $"Expected [B, T] log-probabilities and a mask of the same shape, got [{string.Join(", ", logProbs.shape)}] and [{string.Join(", ", mask.shape)}].");
        if (mask.dtype != ScalarType.Bool)
            throw new ArgumentException($"TargetMask must be bool, got {mask.dtype}.", nameof(mask));
    }
}
