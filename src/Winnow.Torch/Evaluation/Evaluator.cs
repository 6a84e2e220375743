using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Evaluation;

/// <summary>
/// Test-set evaluation under <c>no_grad</c> and eval mode: the mean Eq. 7 log-loss, per-example losses, and on
/// request per-token log-probabilities. Streams over batches; only plain arrays are kept between batches.
/// </summary>
public sealed class Evaluator
{
    private readonly nn.Module _module;
    private readonly ITokenModel _model;

    public Evaluator(nn.Module module, ITokenModel model)
    {
        _module = module ?? throw new ArgumentNullException(nameof(module));
        _model = model ?? throw new ArgumentNullException(nameof(model));
    }

    public static Evaluator Create<TModel>(TModel model) where TModel : nn.Module, ITokenModel => new(model, model);

    /// <summary>
    /// Evaluates <paramref name="exampleCount"/> examples spread over <paramref name="batches"/> (each example index
    /// exactly once). <paramref name="ids"/>, when given, names example i as ids[i] in the results.
    /// </summary>
    public EvaluationResult Evaluate(
        IEnumerable<IndexedBatch> batches,
        int exampleCount,
        IReadOnlyList<string>? ids = null,
        bool includeTokenLogProbs = false,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exampleCount);
        var losses = new ExampleLoss?[exampleCount];
        // Token arrays are only kept when asked for: over a whole pool they dwarf the per-example results.
        var tokens = includeTokenLogProbs ? new ExampleTokenLogProbs[exampleCount] : null;
        int batchCount = 0, seen = 0;
        foreach (var batch in StreamTokenLogProbs(batches, ids, cancellationToken))
        {
            foreach (var result in batch)
            {
                if (result.Index < 0 || result.Index >= exampleCount)
                    throw new ArgumentException($"Example index {result.Index} is outside 0..{exampleCount - 1}.");
                if (losses[result.Index] is not null) throw new ArgumentException($"Example index {result.Index} appears twice.");
                losses[result.Index] = result.ToLoss();
                if (tokens is not null) tokens[result.Index] = result;
            }
            seen += batch.Count;
            progress?.Report(new EvaluationProgress(++batchCount, seen));
        }
        int missing = Array.FindIndex(losses, s => s is null);
        if (missing >= 0) throw new ArgumentException($"Example {missing} was in no batch ({exampleCount - seen} missing).");
        return Summarize(losses!, tokens);
    }

    /// <summary>
    /// Per-token log-probs batch by batch, in batch order (each result carries its example index). Nothing is held
    /// between batches, so this scales to a whole pool; grad and train mode are only switched off while a batch runs.
    /// </summary>
    public IEnumerable<IReadOnlyList<ExampleTokenLogProbs>> StreamTokenLogProbs(
        IEnumerable<IndexedBatch> batches,
        IReadOnlyList<string>? ids = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        return TokenLogProbReader.PerBatch(batches, batch =>
        {
            var rows = TokenLogProbReader.Read(_module, _model, batch.Batch);
            return rows.Select((r, i) => new ExampleTokenLogProbs(batch.Indices[i], IdOf(ids, batch.Indices[i]), r)).ToArray();
        }, cancellationToken);
    }

    internal static string? IdOf(IReadOnlyList<string>? ids, int index)
    {
        if (ids is null) return null;
        if (index < 0 || index >= ids.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"Example index outside the {ids.Count} ids.");
        return ids[index];
    }

    private static EvaluationResult Summarize(ExampleLoss[] losses, ExampleTokenLogProbs[]? tokens)
    {
        var included = losses.Where(l => l.PredictedTokens > 0).ToArray();
        double mean = included.Length == 0 ? double.NaN : included.Average(l => l.Loss);
        return new EvaluationResult(mean, included.Length, losses.Length - included.Length, losses, tokens);
    }
}
