namespace Winnow.Experiments;

public sealed record PoolSourceConfig
{
    public string Name { get; init; } = "";
    public List<string> Paths { get; init; } = [];
    public int Max { get; init; }

    /// <summary>Skip unreadable examples and empty files of this source (counted in the run's log and data/sizes.json).</summary>
    public bool SkipInvalid { get; init; }
}
