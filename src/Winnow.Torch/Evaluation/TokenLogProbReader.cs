using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Evaluation;

/// <summary>
/// Runs a model over one batch without gradients, in eval mode, and brings the predicted positions' log-probs back
/// as plain arrays. Each call restores the module's mode and grad mode before returning, so streaming callers can
/// train between batches.
/// </summary>
internal static class TokenLogProbReader
{
    /// <summary>
    /// Turns each batch into results, one batch at a time, in batch order. The enumerator is advanced inside the
    /// batch's dispose scope so a lazily collated batch is freed once read; nothing is held between batches.
    /// </summary>
    public static IEnumerable<T[]> PerBatch<T>(IEnumerable<IndexedBatch> batches, Func<IndexedBatch, T[]> read, CancellationToken cancellationToken)
    {
        using var enumerator = batches.GetEnumerator();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            T[] results;
            using (NewDisposeScope())
            {
                if (!enumerator.MoveNext()) yield break;
                CheckRows(enumerator.Current);
                results = read(enumerator.Current);
            }
            yield return results;
        }
    }

    public static float[][] Read(nn.Module module, ITokenModel model, Batch batch) =>
        Read(module, () => model.TargetLogProbs(batch), batch.TargetMask);

    /// <summary>Runs <paramref name="logProbs"/> in eval mode without gradients and splits its [B, T] result by the mask.</summary>
    public static float[][] Read(nn.Module module, Func<Tensor> logProbs, Tensor targetMask)
    {
        using var scope = NewDisposeScope();
        return Split(InEvalMode(module, logProbs), targetMask);
    }

    /// <summary>
    /// <paramref name="compute"/> in eval mode without gradients, the module's mode restored afterwards; the result
    /// belongs to the caller's dispose scope.
    /// </summary>
    public static Tensor InEvalMode(nn.Module module, Func<Tensor> compute)
    {
        bool wasTraining = module.training;
        using var noGrad = no_grad();
        module.eval();
        try
        {
            return compute();
        }
        finally
        {
            module.train(wasTraining);
        }
    }

    /// <summary>Per row, the values at the mask's true positions in order.</summary>
    public static float[][] Split(Tensor logProbs, Tensor mask)
    {
        if (!logProbs.shape.SequenceEqual(mask.shape) || logProbs.dim() != 2)
            throw new ArgumentException($"Expected [B, T] log-probs and mask, got [{string.Join(", ", logProbs.shape)}] and [{string.Join(", ", mask.shape)}].");
        int rows = (int)logProbs.shape[0], length = (int)logProbs.shape[1];
        var values = logProbs.detach().to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var keep = mask.to_type(ScalarType.Bool).cpu().contiguous().data<bool>().ToArray();
        var result = new float[rows][];
        var row = new List<float>(length);
        for (int b = 0; b < rows; b++)
        {
            row.Clear();
            for (int t = 0; t < length; t++)
                if (keep[b * length + t]) row.Add(values[b * length + t]);
            result[b] = row.ToArray();
        }
        return result;
    }

    public static void CheckRows(IndexedBatch batch)
    {
        if (batch.Indices.Length != batch.Batch.Size)
            throw new ArgumentException($"A batch of {batch.Batch.Size} rows carries {batch.Indices.Length} example indices.");
    }
}
