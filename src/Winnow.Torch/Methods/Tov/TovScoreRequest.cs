using Winnow.Core.Sharding;
using Winnow.Methods;

namespace Winnow.Torch.Methods.Tov;

/// <summary>What to score with a finished ToV run.</summary>
public sealed record TovScoreRequest(string RunDirectory, IReadOnlyList<string> Pool, string OutputPath)
{
    /// <summary>Pool examples encoded and scored at a time: memory stays flat whatever the pool size.</summary>
    public int ChunkSize { get; init; } = 2048;

    public int BatchSize { get; init; } = 32;

    /// <summary>Scores a pool other than the fitted one (a warning instead of a refusal); U is still taken from the run.</summary>
    public bool AllowOtherPool { get; init; }

    /// <summary>Overrides the run's transform for the <c>score</c> column.</summary>
    public ScoreTransform? Transform { get; init; }

    /// <summary>Overrides the run's aggregation of per-token changes (every φ column).</summary>
    public TovAggregation? Aggregation { get; init; }

    /// <summary>Overrides the run's count of leading epochs left out of φ.</summary>
    public int? SkipEpochs { get; init; }

    /// <summary>Score only this shard of the pool (see <see cref="MethodScoreRequest.Shard"/>).</summary>
    public Shard Shard { get; init; } = Shard.Whole;
}
