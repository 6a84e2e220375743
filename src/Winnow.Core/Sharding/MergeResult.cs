namespace Winnow.Core.Sharding;

/// <summary>What a merge produced.</summary>
public sealed record MergeResult(string OutputPath, int Shards, long Rows);
