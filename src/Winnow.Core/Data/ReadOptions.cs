using Winnow.Core.Data.Ner;

namespace Winnow.Core.Data;

/// <summary>On-disk formats the readers understand. <see cref="Auto"/> decides per file by extension and content.</summary>
public enum DataFormat
{
    /// <summary>Decide per file (see <see cref="FormatDetector"/>).</summary>
    Auto,

    /// <summary>One JSON object per line: instruction rows or NER rows ({tokens, tags}).</summary>
    Jsonl,

    /// <summary>A top-level JSON array of the same objects as <see cref="Jsonl"/>.</summary>
    JsonArray,

    /// <summary>FLAN chain-of-thought TSV: question, answer, rationale; no header.</summary>
    QaTsv,

    /// <summary>CoNLL/BIO column files (also CoNLL-U-like "index token tag …" files and GUM's "token TAB type").</summary>
    Conll,

    /// <summary>
    /// Parquet: Winnow's example schema (see <see cref="IO.ExampleParquet"/>), or any other table whose rows hold one of
    /// the JSON shapes (or the columns a <see cref="FieldMapping"/> names).
    /// </summary>
    Parquet,
}

/// <summary>How B-/I- prefixes in a NER file are to be read.</summary>
public enum TagScheme
{
    /// <summary>
    /// Decide per file from the first decisive tag: an I-X that starts an entity before any B-X did means IOB1;
    /// a B-X that starts an entity first means strict BIO. Files with bare types (no prefix) are IO.
    /// </summary>
    Auto,

    /// <summary>Strict BIO (IOB2): an I-X that does not continue an X entity is an error.</summary>
    Bio,

    /// <summary>IOB1: I-X starts entities; B-X only separates two adjacent X entities. Converted to BIO.</summary>
    Iob1,
}

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
