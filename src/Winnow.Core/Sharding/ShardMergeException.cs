namespace Winnow.Core.Sharding;

/// <summary>Raised when shards cannot be merged: some are missing, incomplete, corrupted or from another run.</summary>
public sealed class ShardMergeException(string message, IReadOnlyList<int> missing) : Exception(message)
{
    /// <summary>Shard indices that have to be (re)run.</summary>
    public IReadOnlyList<int> Missing { get; } = missing;
}
