using System.Diagnostics;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;

namespace Winnow.Torch.FineTuning;

public static class FineTuner
{
    /// <summary>Fine-tunes <paramref name="model"/> in place on <paramref name="train"/> (LoRA applied first unless rank is 0).</summary>
    /// <param name="validation">Evaluated after every epoch when given (the curve is in the result); required by
    /// <see cref="FineTuneOptions.SelectEpoch"/>. Must be disjoint from the data the model is judged on.</param>
    public static FineTuneResult Run(
        TaskModel model,
        EncodedSet train,
        FineTuneOptions options,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default,
        EncodedSet? validation = null)
    {
        options.Validate();
        if (train.Count == 0) throw new ArgumentException("Nothing to fine-tune on: every training example was skipped.", nameof(train));
        if (options.SelectEpoch && validation is not { Count: > 0 }) throw new ArgumentException("Picking the epoch on validation needs a validation set.", nameof(validation));
        var watch = Stopwatch.StartNew();
        if (options.LoraRank > 0 && !Lora.IsApplied(model.Model)) Lora.Apply(model.Model, options.Lora());
        if (options.FreezeEmbeddings)
            foreach (var (name, parameter) in model.Model.Module.named_parameters())
                if (name.EndsWith("word_embeddings.weight", StringComparison.Ordinal) || name.EndsWith("embed_tokens.weight", StringComparison.Ordinal))
                    parameter.requires_grad = false;

        var training = options.Training();
        var source = Batching.ForTraining(train.Encoded, model.Collator, options.BatchSize, options.Seed);
        using var trainer = new Trainer(model.Model.Module, model.Model, training, training.TotalSteps(source.BatchesPerEpoch));
        var curve = new List<double>();
        using var best = new BestWeights(model.Model);
        var result = trainer.Fit(source, progress, cancellationToken, onEpochEnd: validation is null ? null : end =>
        {
            curve.Add(Evaluate(model, validation, cancellationToken: cancellationToken).MeanLoss);
            if (options.SelectEpoch) best.Offer(curve[^1], curve.Count);
        });
        int kept = result.Epochs.Count;
        if (options.SelectEpoch) kept = best.Restore();
        return new FineTuneResult(
            train.Count,
            result.FinalState.GlobalStep,
            result.Epochs.Count > 0 ? result.Epochs[0].MeanLoss : double.NaN,
            result.Epochs.Count > 0 ? result.Epochs[^1].MeanLoss : double.NaN,
            model.Model.ParameterCount(trainableOnly: true),
            watch.Elapsed)
        {
            ValidationLosses = curve,
            KeptEpoch = kept,
        };
    }

    /// <summary>Mean test log-loss (paper Eq. 7) and per-example results, in the order of <paramref name="data"/>.</summary>
    public static EvaluationResult Evaluate(TaskModel model, EncodedSet data, int batchSize = 32, bool includeTokenLogProbs = false, CancellationToken cancellationToken = default)
    {
        var evaluator = new Evaluator(model.Model.Module, model.Model);
        return evaluator.Evaluate(
            Batching.ForEvaluation(data.Encoded, model.Collator, batchSize),
            data.Count,
            data.Encoded.Select(e => e.Id).ToArray(),
            includeTokenLogProbs,
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Writes the fine-tuned model as an ordinary checkpoint (adapters merged in, tokenizer alongside) and, under
    /// LoRA, the adapter on its own in <c>adapter/</c>.
    /// </summary>
    public static void Save(TaskModel model, string directory, FineTuneOptions options)
    {
        Directory.CreateDirectory(directory);
        if (Lora.IsApplied(model.Model))
        {
            Lora.SaveAdapter(model.Model, Path.Combine(directory, "adapter"), options.Lora());
            Lora.Merge(model.Model);
        }
        ModelCheckpoint.Save(model.Model, directory);
        model.Tokenizer.Save(directory);
    }
}
