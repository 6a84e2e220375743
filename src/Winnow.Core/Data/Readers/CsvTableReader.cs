using System.Buffers;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace Winnow.Core.Data.Readers;

/// <summary>
/// CSV files with a header row (also gzip-compressed, <c>.csv.gz</c>), parsed by CsvHelper in RFC 4180 mode: comma,
/// double quotes, <c>""</c> inside quotes, newlines inside quoted cells. Each row becomes a JSON object of its columns
/// (an empty cell is absent) and is read like a JSONL line (<see cref="JsonRecords"/>), so the same shapes
/// (prompt/completion, instruction/output, question/answer, …) and the same <c>--fields</c> mapping apply. A cell that
/// holds a JSON array (<c>["Rome", "wins"]</c>) is read as that array, which is how NER rows' tokens and tags fit in a
/// CSV cell. Errors name the line a row starts on. A row of another width than the header, a quote out of place or one
/// never closed stops the file there: the reader is set to throw rather than recover, since a recovered row may be
/// silently misaligned. A TSV table (<see cref="DataFormat.TsvTable"/>) is read the same way with tabs and no quoting.
/// (DuckDB's CSV reader, tried first, failed small malformed files in its dialect sniffer without a
/// line, and with the dialect fixed and parallel reading off read a file with an unclosed quote as one row fewer.)
/// </summary>
internal static class CsvTableReader
{
    /// <summary>The rows of a CSV file, or with <paramref name="tabs"/> of a TSV table (no quoting: TSV exports write text as it is).</summary>
    internal static IEnumerable<Parsed> Read(ReaderContext context, bool tabs = false)
    {
        using var stream = DataFiles.OpenRead(context.File);
        // Strict UTF-8 (as every text reader here): a replaced byte would corrupt text without anyone noticing.
        using var text = new StreamReader(stream, TextLines.StrictUtf8, detectEncodingFromByteOrderMarks: true);
        var options = new CsvReaderOptions
        {
            Separator = tabs ? '\t' : ',',
            HasHeader = true,
            Mode = tabs ? CsvMode.NoEscape : CsvMode.Rfc4180,
            AllowLineBreaksInQuotes = !tabs,
            TrimWhitespace = false,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
            TrackLineNumbers = true,
            DetectSeparatorHint = false,
        };
        using var csv = CsvReader.Create(text, options);
        var columns = Header(csv, context.File, tabs);
        while (Next(csv, context.File, tabs))
        {
            var record = new string[csv.FieldCount];
            for (var i = 0; i < record.Length; i++)
                record[i] = csv.GetString(i);
            foreach (var parsed in ParseRow(record, columns, csv.RowNumber, csv.LineNumber, context))
                yield return parsed;
        }
    }

    /// <summary>The header row's names: present and distinct.</summary>
    private static string[] Header(CsvReader csv, string path, bool tabs)
    {
        IReadOnlyList<string> header;
        try
        {
            header = csv.Headers;
        }
        catch (CsvFormatException e)
        {
            throw Translate(path, e, tabs);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataFormatException(DataErrorKind.Encoding, path, 1, "invalid UTF-8 bytes", inner: e);
        }

        var names = header.Select(n => n.Trim()).ToArray();
        if (names.Length == 0)
            throw new DataFormatException(DataErrorKind.EmptyFile, path, null, "file holds no examples (not even a header row)");
        if (Array.FindIndex(names, n => n.Length == 0) is var blank and >= 0)
            throw new DataFormatException(DataErrorKind.MalformedCsv, path, 1, $"header: column {blank + 1} has no name");
        var twice = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new DataFormatException(DataErrorKind.MalformedCsv, path, 1, $"header: column '{twice.Key}' is named twice", twice.Key);
        return names;
    }

    /// <summary>The next record; the parser's refusals and bad UTF-8 become Winnow's errors, naming the row's first line.</summary>
    private static bool Next(CsvReader csv, string path, bool tabs)
    {
        try
        {
            return csv.Read();
        }
        catch (CsvFormatException e)
        {
            throw Translate(path, e, tabs);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataFormatException(DataErrorKind.Encoding, path, csv.LineNumber > 0 ? csv.LineNumber : null,
                "invalid UTF-8 bytes (at or after this line)", inner: e);
        }
    }

    private static DataFormatException Translate(string path, CsvFormatException e, bool tabs) =>
        new(DataErrorKind.MalformedCsv, path, e.LineNumber > 0 ? e.LineNumber : null,
            (tabs
                ? "not a readable TSV row (a header row, then rows of as many tab-separated cells, no quoting)"
                : "not a readable CSV row (RFC 4180: a header row, then rows of as many comma-separated cells; a cell with a comma, "
                  + "quote or line break is quoted whole, \"\" inside it)")
            + $": {e.Message.Split('\n')[0].Trim()}", inner: e);

    private static List<Parsed> ParseRow(string[] record, string[] columns, long row, long line, ReaderContext context)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            for (var i = 0; i < columns.Length; i++)
            {
                writer.WritePropertyName(columns[i]);
                if (i >= record.Length || record[i].Length == 0)
                    writer.WriteNullValue();
                else if (JsonArray(record[i]) is { } array)
                    array.WriteTo(writer);
                else
                    writer.WriteStringValue(record[i]);
            }

            writer.WriteEndObject();
        }

        return JsonRecords.FromTableRow(buffer.WrittenMemory, row, line, context);
    }

    /// <summary>The cell as a JSON array when it is one (first non-blank character '[' and it parses); otherwise null.</summary>
    private static JsonElement? JsonArray(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] != '[')
            return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
