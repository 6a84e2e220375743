using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using static TorchSharp.torch;

namespace Winnow.Torch.Experiments;

/// <summary>
/// Word-level predictions of a fine-tuned token classifier: the argmax over label log-probabilities at each word's
/// first sub-token (the positions the NER loss uses), next to the gold labels at the same positions.
/// </summary>
public static class NerPredictor
{
    public static List<(IReadOnlyList<string> Gold, IReadOnlyList<string> Predicted)> Predict(TaskModel model, EncodedSet data, int batchSize = 32)
    {
        if (model.Model is not BertForTokenClassification classifier || model.Labels is null)
            throw new ArgumentException("NER predictions need a token-classification model with a label set.");
        var labels = model.Labels;
        var result = new (IReadOnlyList<string>, IReadOnlyList<string>)[data.Count];
        bool wasTraining = classifier.training;
        classifier.eval();
        try
        {
            using var noGrad = no_grad();
            foreach (var indexed in Batching.ForEvaluation(data.Encoded, model.Collator, batchSize))
            {
                using var scope = NewDisposeScope();
                var batch = indexed.Batch;
                var predicted = classifier.call(batch.InputIds, batch.AttentionMask).argmax(-1).to_type(ScalarType.Int64).data<long>().ToArray();
                long length = batch.InputIds.shape[1];
                for (int row = 0; row < indexed.Indices.Length; row++)
                {
                    var example = data.Encoded[indexed.Indices[row]];
                    var gold = new List<string>();
                    var pred = new List<string>();
                    for (int t = 0; t < example.Length; t++)
                    {
                        if (!example.TargetMask[t]) continue;
                        gold.Add(labels[example.Targets[t]]);
                        pred.Add(labels[(int)predicted[row * length + t]]);
                    }
                    result[indexed.Indices[row]] = (gold, pred);
                }
            }
        }
        finally
        {
            if (wasTraining) classifier.train();
        }
        return result.ToList();
    }
}
