using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Serialization;
using Winnow.Core.IO;

namespace Winnow.Core.Data.Readers;

/// <summary>
/// Parquet files of any schema. Winnow's own (<see cref="ExampleParquet"/>, known by its footer key or, for files
/// without one, by its id/source/kind columns) is read as such unless a field mapping is given; any other table is read
/// one row group at a time, each row turned into a JSON object (strings, numbers, lists and structs as they are) and
/// read like a JSONL line (<see cref="JsonRecords"/>), so the same shapes and the same <c>--fields</c> mapping apply.
/// Rows have no line numbers: errors name "row N" (1-based) instead; a bad row spoils only its own examples.
/// </summary>
internal static class ParquetTableReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    internal static IEnumerable<Parsed> Read(ReaderContext context) => ReadAsync(context).ToBlockingEnumerable();

    private static async IAsyncEnumerable<Parsed> ReadAsync(ReaderContext context)
    {
        int groups;
        bool exampleSchema;
        await using (var head = Open(context.File))
        {
            (groups, exampleSchema) = await Guard(context.File, async () =>
            {
                await using var reader = await ParquetReader.CreateAsync(head, leaveStreamOpen: true);
                return (reader.RowGroupCount, IsExampleSchema(reader));
            });
        }

        if (exampleSchema && context.Options.Fields is null)
        {
            await foreach (var example in ExampleParquet.ReadAsync(context.File))
                yield return Parsed.Ok(example);
            yield break;
        }

        await using var stream = Open(context.File);
        long row = 0;
        for (var group = 0; group < groups; group++)
        {
            stream.Position = 0;
            var rows = await Guard(context.File, () => ParquetSerializer.DeserializeUntypedAsync(stream, rowGroupIndex: group));
            foreach (var values in rows.Data)
            {
                row++;
                foreach (var parsed in ParseRow(values, row, context))
                    yield return parsed;
            }
        }
    }

    private static bool IsExampleSchema(ParquetReader reader)
    {
        if (reader.CustomMetadata.TryGetValue(ExampleParquet.SchemaKey, out var schema))
            return schema == ExampleParquet.SchemaName;
        var columns = reader.Schema.Fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        return columns.Contains("id") && columns.Contains("source") && columns.Contains("kind");
    }

    private static List<Parsed> ParseRow(Dictionary<string, object> values, long row, ReaderContext context)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
            WriteValue(writer, values);
        return JsonRecords.FromTableRow(buffer.WrittenMemory, row, null, context);
    }

    /// <summary>A Parquet value as JSON: structs and maps become objects, lists arrays; binary that is not UTF-8 and non-finite floats become null.</summary>
    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case ReadOnlyMemory<char> chars:
                writer.WriteStringValue(chars.Span);
                break;
            case byte[] bytes:
                if (TryUtf8(bytes) is { } text)
                    writer.WriteStringValue(text);
                else
                    writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case float f:
                WriteDouble(writer, f);
                break;
            case double d:
                WriteDouble(writer, d);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case IDictionary map:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in map)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                    WriteValue(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                    WriteValue(writer, item);
                writer.WriteEndArray();
                break;
            case IFormattable formattable:
                writer.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
            writer.WriteNumberValue(value);
        else
            writer.WriteNullValue();
    }

    private static string? TryUtf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Translate(path, e);
        }
    }

    private static async Task<T> Guard<T>(string path, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is not OperationCanceledException and not DataFormatException)
        {
            throw Translate(path, e);
        }
    }

    private static DataFormatException Translate(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => new DataFormatException(DataErrorKind.MissingFile, path, null, "file not found", inner: e),
        _ => new DataFormatException(DataErrorKind.MalformedParquet, path, null, $"not a readable Parquet file: {e.Message}", inner: e),
    };
}
