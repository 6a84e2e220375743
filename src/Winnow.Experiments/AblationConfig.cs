using Winnow.Core.Selection;

namespace Winnow.Experiments;

/// <summary>
/// One ablation variant: a scored method with some settings changed, another strategy, another number of bins, another
/// length the bins cut on or another random share; or a source-filter row, random rows from other sources than the
/// study's <c>source_filter</c> (named pool sources, or files outside the pool), which measures what the judge gains
/// from one kind of data alone (docs/design.md, "Source rows").
/// </summary>
public sealed record AblationConfig
{
    public string Method { get; init; } = StudyMethods.Tov.Name;
    public Dictionary<string, string> Settings { get; init; } = [];

    /// <summary>score-random, score-only or random; null = the method's default.</summary>
    public string? Strategy { get; init; }

    /// <summary>Length bins of the selection; null = the method's default (1 turns ToV's length binning off).</summary>
    public int? Bins { get; init; }

    /// <summary>tokens or predicted: the length the bins cut on; null = the method's default.</summary>
    public string? BinBy { get; init; }

    /// <summary>Score+Random's share of the budget drawn from the base set (0–1); null = the paper's half.</summary>
    public double? RandomShare { get; init; }

    /// <summary>equal or target: how the length bins share the scored budget; null = the method's default.</summary>
    public string? BinWeights { get; init; }

    /// <summary>random, neighbours or auto: what fills Score+Random's random share; null = the method's default.</summary>
    public string? ShareFill { get; init; }

    /// <summary>A source-filter row: the pool sources it draws from, in place of the study's <c>source_filter</c>.</summary>
    public List<string>? Sources { get; init; }

    /// <summary>
    /// A source-filter row: files outside the pool it draws from (read as the pool is, label map included). Their rows
    /// are drawn once into <c>data/rows/NAME.jsonl</c>, disjoint from target, test, validation and pool.
    /// </summary>
    public List<string>? Paths { get; init; }

    /// <summary>With <see cref="Paths"/>: at most this many rows are kept from them (0 or absent: all).</summary>
    public int? Max { get; init; }

    /// <summary>Whether this is a source-filter row (no scores: random rows from its own sources).</summary>
    public bool IsSourceRow => Method == StudyMethods.SourceFilter.Name;

    /// <summary>The row as a study column: its method's fit and scores with these settings, strategy and bins.</summary>
    public StudyMethod AsStudyMethod(string name) => IsSourceRow ? new(name) { Role = StudyRole.Control } : new(name)
    {
        Method = Method, Settings = Settings, Bins = Bins,
        BinBy = BinBy is null ? null : SubsetSelector.ParseBinLength(BinBy),
        Strategy = Strategy is null ? null : SubsetSelector.ParseStrategy(Strategy),
        RandomShare = RandomShare,
        BinWeights = BinWeights is null ? null : SubsetSelector.ParseBinWeights(BinWeights),
        ShareFill = ShareFill is null ? null : SubsetSelector.ParseShareFill(ShareFill),
    };

    /// <summary>What differs from the base method, for reports.</summary>
    public string Describe() => string.Join(", ",
        Settings.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")
            .Concat(Strategy is null ? [] : [$"strategy={Strategy}"])
            .Concat(Bins is null ? [] : [$"bins={Bins}"])
            .Concat(BinBy is null ? [] : [$"bin_by={BinBy}"])
            .Concat(BinWeights is null ? [] : [$"bin_weights={BinWeights}"])
            .Concat(ShareFill is null ? [] : [$"share_fill={ShareFill}"])
            .Concat(RandomShare is not { } share ? [] : [$"random_share={share.ToString(System.Globalization.CultureInfo.InvariantCulture)}"])
            .Concat(Sources is null ? [] : [$"sources={string.Join("+", Sources)}"])
            .Concat(Paths is null ? [] : [$"paths={string.Join("+", Paths)}"])
            .Concat(Max is not { } max ? [] : [$"max={max}"]));
}
