using Parquet;
using Parquet.Serialization;

namespace Winnow.Core.IO;

/// <summary>
/// Generic Parquet I/O for plain row classes (public properties; name columns with [JsonPropertyName]): writes rows in
/// row groups of a bounded size and reads them back one row group at a time, so neither side holds a whole file.
/// Writes are atomic (<see cref="AtomicFile"/>).
/// </summary>
public static class ParquetRows
{
    /// <summary>Rows per row group unless a caller says otherwise.</summary>
    public const int DefaultRowGroupSize = 10_000;

    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/>, <paramref name="rowGroupSize"/> rows per row group.</summary>
    /// <returns>The number of rows written.</returns>
    public static async Task<long> WriteAsync<T>(
        string path,
        IEnumerable<T> rows,
        int rowGroupSize = DefaultRowGroupSize,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
        where T : class, new()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        long written = 0;
        await AtomicFile.WriteAsync(path, async stream =>
        {
            var first = true;
            foreach (var chunk in rows.Chunk(rowGroupSize))
            {
                await WriteGroupAsync(stream, chunk, append: !first, metadata, cancellationToken);
                first = false;
                written += chunk.Length;
            }

            // An empty input still gets a valid file with the schema, so readers see "no rows", not "corrupt".
            if (first)
                await WriteGroupAsync(stream, Array.Empty<T>(), append: false, metadata, cancellationToken);
        }, cancellationToken);
        return written;
    }

    /// <summary>Reads the rows of <paramref name="path"/>, one row group in memory at a time.</summary>
    public static async IAsyncEnumerable<T> ReadAsync<T>(
        string path,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : class, new()
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        var groups = await CountRowGroupsAsync(stream, cancellationToken);
        for (var group = 0; group < groups; group++)
        {
            stream.Position = 0;
            var rows = await ParquetSerializer.DeserializeAsync<T>(stream, rowGroupIndex: group, cancellationToken: cancellationToken);
            foreach (var row in rows.Data)
                yield return row;
        }
    }

    /// <summary>The key/value metadata stored in the file's footer.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadMetadataAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        return reader.CustomMetadata;
    }

    private static async Task WriteGroupAsync<T>(
        Stream stream, IEnumerable<T> rows, bool append, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var options = new ParquetOptions { Append = append };
        await ParquetSerializer.SerializeAsync(rows, stream, options, metadata, cancellationToken);
    }

    private static async Task<int> CountRowGroupsAsync(Stream stream, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken);
        return reader.RowGroupCount;
    }
}
