using System.Globalization;
using Winnow.Core.Scoring;

namespace Winnow.Methods.Common;

/// <summary>Builds the <see cref="ScoreJob"/> every chunked scorer hands to <see cref="ChunkedScoreWriter"/>.</summary>
public static class MethodScoring
{
    /// <summary>
    /// The job for <paramref name="request"/>: the score-time settings and batch size go into its options, because a
    /// resumed run must not mix parts computed under other settings (batching can change float rounding).
    /// </summary>
    public static ScoreJob Job(MethodScoreRequest request, string method, string fingerprint, string poolHash)
    {
        var settings = request.Settings.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}");
        string options = string.Join(";", [string.Create(CultureInfo.InvariantCulture, $"batch_size={request.BatchSize}"), .. settings]);
        return ScoreJob.Of(request.OutputPath, method, fingerprint, poolHash, request.Shard, request.ChunkSize, options);
    }

    /// <summary>The message for a method that cannot score a shard on its own.</summary>
    public static void RefuseShard(MethodScoreRequest request, string method, string why)
    {
        if (!request.Shard.IsWhole)
            throw new ArgumentException($"Method {method} cannot be sharded: {why}. Score it without --shard.");
    }
}
