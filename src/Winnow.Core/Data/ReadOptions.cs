using Winnow.Core.Data.Ner;

namespace Winnow.Core.Data;

/// <summary>Options for <see cref="DatasetReader"/>. Defaults read anything readable and fail on the first bad example.</summary>
public sealed record ReadOptions
{
    /// <summary>Force one format for every file instead of detecting it.</summary>
    public DataFormat Format { get; init; } = DataFormat.Auto;

    /// <summary>The task kind every example must have; null accepts whatever each file holds (one kind per file).</summary>
    public TaskKind? Kind { get; init; }

    /// <summary>Maps NER entity types to target types; unmapped types become O. Null keeps the source's types.</summary>
    public LabelMap? LabelMap { get; init; }

    /// <summary>How B-/I- prefixes are read in CoNLL files.</summary>
    public TagScheme TagScheme { get; init; } = TagScheme.Auto;

    /// <summary>
    /// Which columns hold the example in JSON, JSONL and Parquet files (see <see cref="FieldMapping"/>); null recognises
    /// the schema row by row.
    /// </summary>
    public FieldMapping? Fields { get; init; }

    /// <summary>Skip bad examples (counted in the <see cref="ReadReport"/>) instead of throwing on the first one.</summary>
    public bool SkipInvalid { get; init; }

    /// <summary>Defaults.</summary>
    public static ReadOptions Default { get; } = new();
}
