namespace Winnow.Experiments;

public sealed record DataConfig
{
    public List<string> Paths { get; init; } = [];

    /// <summary>At most this many examples, sampled with the study's sample seed; 0 = all.</summary>
    public int Max { get; init; }
}
