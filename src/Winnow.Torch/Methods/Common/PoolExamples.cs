using Winnow.Core.Scoring;
using Winnow.Torch.Tasks;

namespace Winnow.Torch.Methods.Common;

/// <summary>What every model-scoring method (ToV, LESS, uncertainty) does with a pool example before its own score.</summary>
public static class PoolExamples
{
    /// <summary>An example's key in a pool: ids are unique per source only.</summary>
    public static string Key(string source, string id) => source + "\0" + id;

    /// <summary>
    /// Encodes each example of a chunk once and fills its score row's fixed fields (row, id, source, length, predicted
    /// count, and whether it is in the method's own training set, <paramref name="trainingKeys"/>).
    /// </summary>
    public static EncodedChunk Encode(TaskModel task, IReadOnlyList<PoolItem> chunk, IReadOnlySet<string> trainingKeys)
    {
        var rows = new ScoreRow[chunk.Count];
        var encoded = new EncodedExample?[chunk.Count];
        for (int i = 0; i < chunk.Count; i++)
        {
            var example = chunk[i].Example;
            encoded[i] = task.Encode(example).Example;
            rows[i] = new ScoreRow
            {
                Row = chunk[i].Row, Id = example.Id, Source = example.Source, InBase = trainingKeys.Contains(Key(example.Source, example.Id)),
                Length = encoded[i]?.Length ?? 0, Predicted = encoded[i]?.PredictedCount ?? 0,
            };
        }
        return new EncodedChunk(rows, encoded);
    }
}
