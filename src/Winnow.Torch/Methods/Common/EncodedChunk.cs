using Winnow.Core.Scoring;
using Winnow.Torch.Tasks;

namespace Winnow.Torch.Methods.Common;

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
