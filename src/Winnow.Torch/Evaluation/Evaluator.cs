using TorchSharp;
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
        var tokens = CollectInOrder(StreamTokenLogProbs(batches, ids, cancellationToken), exampleCount, progress);
        var losses = tokens.Select(t => t.ToLoss()).ToArray();
        var included = losses.Where(l => l.PredictedTokens > 0).ToArray();
        double mean = included.Length == 0 ? double.NaN : included.Average(l => l.Loss);
        return new EvaluationResult(mean, included.Length, losses.Length - included.Length, losses, includeTokenLogProbs ? tokens : null);
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
        using var enumerator = batches.GetEnumerator();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ExampleTokenLogProbs[] results;
            // Advanced inside a scope so a lazily collated batch is freed once read.
            using (NewDisposeScope())
            {
                if (!enumerator.MoveNext()) yield break;
                var batch = enumerator.Current;
                TokenLogProbReader.CheckRows(batch);
                var rows = TokenLogProbReader.Read(_module, _model, batch.Batch);
                results = rows.Select((r, i) => new ExampleTokenLogProbs(batch.Indices[i], IdOf(ids, batch.Indices[i]), r)).ToArray();
            }
            yield return results;
        }
    }

    internal static string? IdOf(IReadOnlyList<string>? ids, int index)
    {
        if (ids is null) return null;
        if (index < 0 || index >= ids.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"Example index outside the {ids.Count} ids.");
        return ids[index];
    }

    private static ExampleTokenLogProbs[] CollectInOrder(IEnumerable<IReadOnlyList<ExampleTokenLogProbs>> stream, int exampleCount, IProgress<EvaluationProgress>? progress)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exampleCount);
        var slots = new ExampleTokenLogProbs?[exampleCount];
        int batches = 0, seen = 0;
        foreach (var batch in stream)
        {
            foreach (var result in batch)
            {
                if (result.Index < 0 || result.Index >= exampleCount)
                    throw new ArgumentException($"Example index {result.Index} is outside 0..{exampleCount - 1}.");
                if (slots[result.Index] is not null) throw new ArgumentException($"Example index {result.Index} appears twice.");
                slots[result.Index] = result;
            }
            seen += batch.Count;
            progress?.Report(new EvaluationProgress(++batches, seen));
        }
        int missing = Array.FindIndex(slots, s => s is null);
        if (missing >= 0) throw new ArgumentException($"Example {missing} was in no batch ({exampleCount - seen} missing).");
        return slots!;
    }
}
