using System.Globalization;

namespace Winnow.Core.Cluster;

/// <summary>
/// What a sharded scoring job runs: <see cref="ScoreArguments"/> are the <c>winnow score</c> arguments without the
/// shard, which the generated job adds as <c>--shard auto/N</c> (the index comes from the scheduler).
/// </summary>
public sealed record ShardedScoring
{
    public ShardedScoring(string runDirectory, IReadOnlyList<string> scoreArguments, int shards)
    {
        if (string.IsNullOrWhiteSpace(runDirectory)) throw new ArgumentException("A run folder is required.", nameof(runDirectory));
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1, nameof(shards));
        RunDirectory = runDirectory;
        ScoreArguments = scoreArguments;
        Shards = shards;
    }

    public string RunDirectory { get; }
    public IReadOnlyList<string> ScoreArguments { get; }
    public int Shards { get; }

    /// <summary>The executable inside the job's environment (a container image or a cluster node).</summary>
    public string Winnow { get; init; } = "winnow";

    public IReadOnlyList<string> ShardCommand() =>
        [Winnow, "score", "--run", RunDirectory, .. ScoreArguments, "--shard", $"auto/{Shards.ToString(CultureInfo.InvariantCulture)}"];

    public IReadOnlyList<string> MergeCommand() => [Winnow, "merge", RunDirectory];
}
