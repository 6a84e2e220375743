using Winnow.Core.Scoring;
using Winnow.Core.Sharding;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;

using Winnow.Torch.Methods.Common;

namespace Winnow.Torch.Methods.Less;

/// <summary>
/// Streams the pool in chunks: per chunk and checkpoint, the Adam-preconditioned gradient features are computed,
/// rounded to fp16 and appended to that checkpoint's pool.f16 (one file per shard, rows in the shard's order); the influence is computed from the rounded values, so
/// it equals what the stored features give. Rows whose example cannot be encoded or predicts nothing get a zero
/// feature row (keeping file row = pool row) and a NaN score.
/// </summary>
internal sealed class PoolScoring(
    TaskModel task, LessGradients gradients, RademacherProjector projector, IReadOnlyList<CheckpointState> checkpoints, double[] weights,
    SubtaskCentroids centroids, LessRunLayout folder, LessOptions options, HashSet<string> warmupSet, Shard shard)
{
    public int RowCount { get; private set; }
    public int Scored { get; private set; }
    public int InWarmup { get; private set; }
    public long FeatureBytes { get; private set; }

    /// <summary>
    /// Before the first computed chunk: the feature files keep exactly the rows of the chunks an interrupted run
    /// finished (a kill between appending features and renaming the part leaves extra rows, cut here).
    /// </summary>
    public void Start(long finishedRows)
    {
        int d = projector.Dimension;
        for (int i = 0; i < checkpoints.Count; i++)
        {
            string path = folder.PoolFeatures(i, shard);
            long keep = finishedRows * d * FeatureFile.BytesPerValue;
            if (keep == 0) File.Delete(path);
            else
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                if (stream.Length < keep) throw new InvalidDataException($"{path} holds fewer feature rows than the finished score parts; delete the parts folder to start over.");
                stream.SetLength(keep);
            }
        }
    }

    public ScoreRow[] Chunk(IReadOnlyList<PoolItem> chunk, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var encoded = PoolExamples.Encode(task, chunk, warmupSet);
        var rows = encoded.Rows;
        InWarmup += rows.Count(r => r.InBase);
        // LESS scores its warm-up rows too (they are marked, not skipped).
        var usable = encoded.WithPredictions(skipTrainingSet: false);
        ScoreChunk(rows, usable, cancellationToken);
        RowCount += chunk.Count;
        Scored += usable.Count;
        progress?.Report($"LESS: {RowCount} pool examples done");
        return rows;
    }

    private void ScoreChunk(ScoreRow[] rows, List<(int Local, EncodedExample Encoded)> usable, CancellationToken cancellationToken)
    {
        int d = projector.Dimension;
        int subtasks = centroids.Subtasks.Length;
        var influence = new double[rows.Length * subtasks];
        var encoded = usable.Select(u => u.Encoded).ToArray();
        for (int i = 0; i < checkpoints.Count; i++)
        {
            Lora.SetAdapter(task.Model, checkpoints[i].Adapter);
            var features = LessMethod.Features(gradients, projector, encoded, (checkpoints[i].M, checkpoints[i].V), options, cancellationToken);
            var matrix = new float[(long)rows.Length * d];
            for (int j = 0; j < usable.Count; j++)
            {
                long to = (long)usable[j].Local * d;
                for (int k = 0; k < d; k++) matrix[to + k] = FeatureFile.Round(features[(long)j * d + k]);
            }
            FeatureBytes += FeatureFile.Append(folder.PoolFeatures(i, shard), matrix, d);
            Accumulate(influence, matrix, centroids.PerCheckpoint[i], weights[i], d, subtasks, usable);
        }
        foreach (var (local, _) in usable)
        {
            double best = double.NegativeInfinity;
            for (int s = 0; s < subtasks; s++) best = Math.Max(best, influence[local * subtasks + s]);
            rows[local].Score = best;
        }
    }

    /// <summary>influence[row, s] += w_i · ⟨Γ_i(x), c_{i,s}⟩, which is w_i × the mean cosine to subtask s's targets.</summary>
    private static void Accumulate(double[] influence, float[] matrix, float[] centroids, double weight, int d, int subtasks,
        List<(int Local, EncodedExample Encoded)> usable)
    {
        foreach (var (local, _) in usable)
        {
            var x = new ReadOnlySpan<float>(matrix, local * d, d);
            for (int s = 0; s < subtasks; s++)
            {
                var c = new ReadOnlySpan<float>(centroids, s * d, d);
                double dot = 0;
                for (int k = 0; k < d; k++) dot += (double)x[k] * c[k];
                influence[local * subtasks + s] += weight * dot;
            }
        }
    }
}
