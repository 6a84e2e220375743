using Winnow.Core.Data;

namespace Winnow.Core.IO;

/// <summary>Examples to and from Parquet files in the <see cref="ExampleRow"/> schema, in bounded row groups.</summary>
public static class ExampleParquet
{
    /// <summary>Metadata key that names the schema, so other Parquet files are recognised as such.</summary>
    public const string SchemaKey = "winnow.schema";

    /// <summary>Metadata value for <see cref="SchemaKey"/>.</summary>
    public const string SchemaName = "winnow.examples.v1";

    /// <summary>Writes <paramref name="examples"/> (streamed) to <paramref name="path"/>, atomically.</summary>
    public static Task<long> WriteAsync(string path, IEnumerable<Example> examples, int rowGroupSize = ParquetRows.DefaultRowGroupSize, CancellationToken cancellationToken = default) =>
        ParquetRows.WriteAsync(path, examples.Select(ExampleRow.From), rowGroupSize,
            new Dictionary<string, string> { [SchemaKey] = SchemaName }, cancellationToken);

    /// <summary>Reads examples back, one row group at a time; unreadable files are <see cref="DataFormatException"/>s.</summary>
    public static async IAsyncEnumerable<Example> ReadAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var rows = Guard(path, ParquetRows.ReadAsync<ExampleRow>(path, cancellationToken)).GetAsyncEnumerator(cancellationToken);
        while (await rows.MoveNextAsync())
            yield return rows.Current.ToExample(path);
    }

    /// <summary>Synchronous counterpart of <see cref="ReadAsync"/> for callers that stream synchronously.</summary>
    public static IEnumerable<Example> Read(string path) => ReadAsync(path).ToBlockingEnumerable();

    private static async IAsyncEnumerable<ExampleRow> Guard(string path, IAsyncEnumerable<ExampleRow> rows)
    {
        var enumerator = rows.GetAsyncEnumerator();
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException and not DataFormatException)
                {
                    throw Translate(path, e);
                }

                if (!more)
                    yield break;
                yield return enumerator.Current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    private static DataFormatException Translate(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => new DataFormatException(DataErrorKind.MissingFile, path, null, "file not found", inner: e),
        _ => new DataFormatException(DataErrorKind.MalformedParquet, path, null, $"not a readable example Parquet file: {e.Message}", inner: e),
    };
}
