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

    /// <summary>CSV with a header row, its rows holding one of the JSON shapes by column name (or the columns a <see cref="FieldMapping"/> names).</summary>
    Csv,

    /// <summary>
    /// A tab-separated table with a header row of field names (<c>prompt TAB completion</c>, <c>instruction TAB input TAB
    /// output</c>, …), read like <see cref="Csv"/> without quoting: every character but the tab and the line break is text.
    /// </summary>
    TsvTable,
}
