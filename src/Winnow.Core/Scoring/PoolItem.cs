using Winnow.Core.Data;

namespace Winnow.Core.Scoring;

/// <summary>One pool example of the shard being scored, with its position in the whole pool stream.</summary>
public readonly record struct PoolItem(long Row, Example Example);
