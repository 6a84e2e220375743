using System.Text;
using Winnow.Core.Data.Readers;

namespace Winnow.Core.Data;

/// <summary>
/// Picks a file's format. By extension: .parquet → Parquet; .jsonl → JSONL; .json → JSON array when the first
/// non-blank character is '[', else JSONL; .tsv → FLAN QA TSV when the first non-blank line has exactly three tab
/// cells and the first holds a space, else CoNLL (GUM's "token TAB type"); .conll/.txt/.iob2/.iob/.bio → CoNLL.
/// Any other name (e.g. WikiANN's extension-less files) is judged by content: "PAR1" magic → Parquet, '[' → JSON
/// array, '{' → JSONL, otherwise the .tsv rule. .csv → CSV with a header row. A name ending in .gz is gzip-compressed
/// and judged by the name without it (train.jsonl.gz is JSONL), its content read decompressed; Parquet is compressed
/// inside, so a .parquet.gz is refused. A .tsv (or extension-less text) whose first line is tab-separated field names
/// — at least two of the names rows are read by (prompt, completion, instruction, output, question, answer, tokens,
/// tags, …, or the columns of a field mapping), none with a space — is a TSV table with a header.
/// </summary>
public static class FormatDetector
{
    private static readonly string[] ConllExtensions = [".conll", ".txt", ".iob2", ".iob", ".bio"];
    private static readonly string[] DataExtensions = [".jsonl", ".json", ".tsv", ".parquet", ".csv", .. ConllExtensions];

    // Names that sit beside data but are not data (uner-ewt/LICENSE.txt would otherwise read as CoNLL).
    private static readonly string[] NonDataStems = ["license", "licence", "readme", "copying", "notice", "citation", "changelog", "authors"];

    /// <summary>True when a file found while expanding a folder should be read: a data extension or none, and not a licence/readme.</summary>
    public static bool IsDataFileName(string path)
    {
        var name = Path.GetFileName(path);
        if (name.StartsWith('.'))
            return false;
        name = DataFiles.WithoutGzip(name);
        var stem = Path.GetFileNameWithoutExtension(name).ToLowerInvariant();
        if (NonDataStems.Any(stem.StartsWith))
            return false;
        var extension = Path.GetExtension(name).ToLowerInvariant();
        return extension.Length == 0 || DataExtensions.Contains(extension);
    }

    /// <summary>Field names that mark a TSV header row (<see cref="Readers.JsonRecords"/>' shapes).</summary>
    private static readonly HashSet<string> HeaderNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "prompt", "completion", "response", "instruction", "input", "context", "output", "question", "answer", "query",
        "inputs", "targets", "source", "target", "tokens", "tags", "ner_tags", "id",
    };

    /// <summary>The format of <paramref name="path"/> (never <see cref="DataFormat.Auto"/>).</summary>
    public static DataFormat Detect(string path) => Detect(path, null);

    /// <summary>The format of <paramref name="path"/>, with <paramref name="fields"/>' columns also marking a TSV header row.</summary>
    public static DataFormat Detect(string path, FieldMapping? fields)
    {
        var extension = Path.GetExtension(DataFiles.WithoutGzip(path)).ToLowerInvariant();
        var format = extension switch
        {
            ".parquet" => DataFormat.Parquet,
            ".csv" => DataFormat.Csv,
            ".jsonl" => DataFormat.Jsonl,
            ".json" => FirstChar(Head(path)) == '[' ? DataFormat.JsonArray : DataFormat.Jsonl,
            ".tsv" => TsvKind(Head(path), fields),
            _ when ConllExtensions.Contains(extension) => DataFormat.Conll,
            _ => ByContent(Head(path), fields),
        };
        if (format == DataFormat.Parquet && DataFiles.IsGzip(path))
            throw new DataFormatException(DataErrorKind.UnknownFormat, path, null,
                "a gzip-compressed Parquet file: Parquet compresses its own pages; decompress it (gunzip) and read the .parquet");
        return format;
    }

    private static DataFormat ByContent(byte[] head, FieldMapping? fields)
    {
        if (head.AsSpan().StartsWith("PAR1"u8))
            return DataFormat.Parquet;
        return FirstChar(head) switch
        {
            '[' => DataFormat.JsonArray,
            '{' => DataFormat.Jsonl,
            _ => TsvKind(head, fields),
        };
    }

    private static DataFormat TsvKind(byte[] head, FieldMapping? fields)
    {
        var firstLine = Encoding.UTF8.GetString(head).TrimStart('\uFEFF').Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.Trim().Length > 0);
        var cells = firstLine?.Split('\t');
        if (cells is { Length: >= 2 } && IsHeader(cells, fields))
            return DataFormat.TsvTable;
        return cells is { Length: 3 } && cells[0].Trim().Contains(' ') ? DataFormat.QaTsv : DataFormat.Conll;
    }

    private static bool IsHeader(string[] cells, FieldMapping? fields)
    {
        var names = cells.Select(c => c.Trim()).ToList();
        if (names.Any(n => n.Length == 0 || n.Any(char.IsWhiteSpace)))
            return false;
        var mapped = fields is { } f ? new[] { f.Prompt, f.Completion, f.Tokens, f.Tags, f.Id }.OfType<string>().ToHashSet(StringComparer.Ordinal) : [];
        return names.Count(n => HeaderNames.Contains(n) || mapped.Contains(n)) >= 2;
    }

    private static char? FirstChar(byte[] head)
    {
        var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF');
        var index = text.AsSpan().IndexOfAnyExcept(" \t\r\n");
        return index < 0 ? null : text[index];
    }

    // Sniffing reads a bounded prefix only; the real reader validates the whole file later.
    private static byte[] Head(string path)
    {
        using var stream = DataFiles.OpenRead(path);
        var buffer = new byte[64 * 1024];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer[..read];
    }
}
