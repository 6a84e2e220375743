using System.Buffers;
using System.Text.Json;
using DuckDB.NET.Data;

namespace Winnow.Core.Data.Readers;

/// <summary>
/// CSV files with a header row (also gzip-compressed, <c>.csv.gz</c>), parsed by DuckDB's CSV reader (quoted fields,
/// embedded newlines and the delimiter are its to handle; every column is read as text). Each row becomes a JSON object
/// of its columns and is read like a JSONL line (<see cref="JsonRecords"/>), so the same shapes (prompt/completion,
/// instruction/output, question/answer, …) and the same <c>--fields</c> mapping apply. A cell that holds a JSON array
/// (<c>["Rome", "wins"]</c>) is read as that array, which is how NER rows' tokens and tags fit in a CSV cell. Quoted
/// fields may span lines, so a row's content errors name "row N" (the N-th data row, header not counted), as for Parquet
/// tables; a row the CSV parser refuses (another width, an unclosed quote) is named by DuckDB's line number.
/// </summary>
internal static class CsvTableReader
{
    internal static IEnumerable<Parsed> Read(ReaderContext context)
    {
        if (!File.Exists(context.File))
            throw new DataFormatException(DataErrorKind.MissingFile, context.File, null, "file not found");
        using var connection = new DuckDBConnection("Data Source=:memory:");
        DuckDBDataReader reader;
        string[] columns;
        try
        {
            connection.Open();
            columns = Header(connection, context.File);
            using var command = connection.CreateCommand();
            // The dialect and the columns are given, not sniffed: the sniffer reads a file with one over-wide row as a
            // single column and fails on small files without a line number; given them, a bad row fails strict mode
            // naming its line. RFC 4180: comma, double quotes, "" inside quotes. Every column is text (ids keep leading
            // zeros; answers are not re-typed).
            command.CommandText = $"SELECT * FROM read_csv({Literal(context.File)}, header = true, auto_detect = false, {Dialect}, "
                + $"strict_mode = true, columns = {{{string.Join(", ", columns.Select(c => $"{Literal(c)}: 'VARCHAR'"))}}})";
            command.UseStreamingMode = true;
            reader = command.ExecuteReader();
        }
        catch (DuckDBException e)
        {
            throw Translate(context.File, e);
        }

        using (reader)
        {
            long row = 0;
            while (true)
            {
                bool more;
                try
                {
                    more = reader.Read();
                }
                catch (DuckDBException e)
                {
                    throw Translate(context.File, e);
                }

                if (!more)
                    yield break;
                row++;
                foreach (var parsed in ParseRow(reader, columns, row, context))
                    yield return parsed;
            }
        }
    }

    /// <summary>One more than the widest header read (a training table has a handful of columns).</summary>
    private const int MaxColumns = 1025;

    private const string Dialect = "delim = ',', quote = '\"', escape = '\"'";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>The header row's names, read leniently (so that a later over-wide row cannot change them); each must be present and distinct.</summary>
    private static string[] Header(DuckDBConnection connection, string path)
    {
        using var command = connection.CreateCommand();
        // Not sniffed either (an unclosed quote further down fails the sniffer without a line): MaxColumns text columns,
        // padded with NULL past the header's own; an empty name reads as "" (nullstr is a value no header holds).
        var wide = string.Join(", ", Enumerable.Range(0, MaxColumns).Select(i => $"'c{i}': 'VARCHAR'"));
        command.CommandText = $"SELECT * FROM read_csv({Literal(path)}, header = false, auto_detect = false, {Dialect}, columns = {{{wide}}}, "
            + "null_padding = true, strict_mode = false, nullstr = '\u0001') LIMIT 1";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            throw new DataFormatException(DataErrorKind.EmptyFile, path, null, "file holds no examples (not even a header row)");
        var names = new List<string>();
        for (var i = 0; i < reader.FieldCount && !reader.IsDBNull(i); i++)
            names.Add(reader.GetString(i).Trim());
        if (names.Count == MaxColumns)
            throw new DataFormatException(DataErrorKind.MalformedCsv, path, 1, $"header: more than {MaxColumns - 1} columns");
        if (names.FindIndex(string.IsNullOrEmpty) is var blank and >= 0)
            throw new DataFormatException(DataErrorKind.MalformedCsv, path, 1, $"header: column {blank + 1} has no name");
        var twice = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new DataFormatException(DataErrorKind.MalformedCsv, path, 1, $"header: column '{twice.Key}' is named twice", twice.Key);
        return names.ToArray();
    }

    private static List<Parsed> ParseRow(DuckDBDataReader reader, string[] columns, long row, ReaderContext context)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            for (var i = 0; i < columns.Length; i++)
            {
                writer.WritePropertyName(columns[i]);
                if (reader.IsDBNull(i))
                    writer.WriteNullValue();
                else if (JsonArray(reader.GetString(i)) is { } array)
                    array.WriteTo(writer);
                else
                    writer.WriteStringValue(reader.GetString(i));
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        try
        {
            return JsonRecords.ToExamples(document.RootElement, context, null).Select(Parsed.Ok).ToList();
        }
        catch (DataFormatException e)
        {
            return [Parsed.Fail(new DataFormatException(e.Kind, e.File, e.Line, $"row {row}: {e.Detail}", e.Field, e))];
        }
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

    /// <summary>
    /// DuckDB's error as Winnow's: its "CSV Error on Line: N" becomes the error's line, its advice about DuckDB's own
    /// options (which Winnow does not expose) is dropped, and the rest is put on one line.
    /// </summary>
    private static DataFormatException Translate(string path, DuckDBException e)
    {
        var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        int advice = lines.FindIndex(l => l.StartsWith("Possible fixes", StringComparison.Ordinal));
        if (advice >= 0)
            lines.RemoveRange(advice, lines.Count - advice);
        long? line = null;
        var match = System.Text.RegularExpressions.Regex.Match(e.Message, @"CSV Error on Line: (\d+)");
        if (match.Success)
        {
            line = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            lines = lines.Select(l => l.Replace(match.Value, "", StringComparison.Ordinal).Trim()).Where(l => l.Length > 0).ToList();
        }

        var text = string.Join("; ", lines.Select(l => l.StartsWith("Invalid Input Error:", StringComparison.Ordinal) ? l["Invalid Input Error:".Length..].Trim() : l).Where(l => l.Length > 0));
        if (text.Length > 400)
            text = text[..400] + "…";
        return new DataFormatException(DataErrorKind.MalformedCsv, path, line, $"not a readable CSV row (RFC 4180: a header row, then rows of as many comma-separated cells): {text}", inner: e);
    }
}
