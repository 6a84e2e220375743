using Winnow.Core.Scoring;
using Winnow.Torch.TaskEncoding;
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

/// <summary>A chunk's score rows (scores still unset) and its encoded examples (null where an example could not be encoded).</summary>
public sealed record EncodedChunk(ScoreRow[] Rows, EncodedExample?[] Encoded)
{
    /// <summary>The examples with at least one predicted token, by index in the chunk; without the training set's when <paramref name="skipTrainingSet"/>.</summary>
    public List<(int Local, EncodedExample Encoded)> WithPredictions(bool skipTrainingSet)
    {
        var result = new List<(int, EncodedExample)>();
        for (int i = 0; i < Rows.Length; i++)
            if (Encoded[i] is { PredictedCount: > 0 } e && !(skipTrainingSet && Rows[i].InBase)) result.Add((i, e));
        return result;
    }
}
