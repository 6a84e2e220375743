using Winnow.Core.Sharding;

namespace Winnow.Methods;

/// <summary>What score needs: the run folder fit wrote, the pool, and where the score file goes.</summary>
public sealed record MethodScoreRequest(string RunDirectory, IReadOnlyList<string> Pool, string OutputPath)
{
    public int BatchSize { get; init; } = 32;

    /// <summary>Pool examples held in memory at a time.</summary>
    public int ChunkSize { get; init; } = 2048;

    /// <summary>
    /// Score only the pool examples whose (source, id) hashes to this shard; rows keep their whole-pool row numbers and
    /// a sharded score file gets a completion record for <c>winnow merge</c>. Methods whose scores need the whole pool
    /// (TSDS) refuse anything but <see cref="Shard.Whole"/>.
    /// </summary>
    public Shard Shard { get; init; } = Shard.Whole;

    /// <summary>Score-time options as text (ToV: transform, allow_other_pool); a method refuses keys it does not know.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
