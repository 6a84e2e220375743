using System.Globalization;
using DuckDB.NET.Data;
using Parquet;
using Winnow.Core.IO;
using Winnow.Core.Scoring;

namespace Winnow.Core.Sharding;

/// <summary>
/// Merges the shard score files of one run into one file ordered by pool row. DuckDB reads the Parquet shards
/// together to check them (row counts, overlaps). Refuses while any shard is missing, its record does not match its file, or shards disagree on the run.
/// </summary>
public static class ShardMerger
{
    public static MergeResult Merge(string shardFolder, string outputPath, string? expectedManifestHash = null)
    {
        if (!Directory.Exists(shardFolder)) throw new DirectoryNotFoundException($"No shard folder: {shardFolder}");
        var records = Directory.EnumerateFiles(shardFolder, "scores-*-of-*.json").Order(StringComparer.Ordinal)
            .Select(path => (Path: path, Record: ShardFiles.TryReadRecord(path))).ToList();
        if (records.Count == 0) throw new ShardMergeException($"No completed shard in {shardFolder}.", []);

        var good = records.Where(r => r.Record is not null).Select(r => r.Record!).ToList();
        int count = good.Select(r => r.Count).Distinct().SingleOrDefault(-1);
        if (count < 1) throw new ShardMergeException($"Shards in {shardFolder} disagree on the shard count: {string.Join(", ", good.Select(r => r.Count).Distinct())}.", []);
        var hashes = good.Select(r => r.ManifestHash).Distinct().ToList();
        if (hashes.Count > 1 || (expectedManifestHash is not null && hashes[0] != expectedManifestHash))
            throw new ShardMergeException($"Shards in {shardFolder} come from different runs (manifest hashes {string.Join(", ", hashes)}).", []);

        var problems = new List<string>();
        var bad = new SortedSet<int>();
        var byIndex = new Dictionary<int, string>();
        foreach (var record in good)
        {
            var file = Path.Combine(shardFolder, record.File);
            string? problem = !File.Exists(file) ? "file missing"
                : ShardFiles.Sha256(file) != record.Sha256 ? "checksum does not match its record (changed or truncated)"
                : RowCount(file) is var rows && rows != record.Rows ? $"{rows} rows, record says {record.Rows}"
                : null;
            if (problem is null) byIndex[record.Shard] = file;
            else
            {
                bad.Add(record.Shard);
                problems.Add($"shard {record.Shard}: {problem}");
            }
        }
        var missing = Enumerable.Range(0, count).Where(i => !byIndex.ContainsKey(i)).ToList();
        if (missing.Count > 0)
            throw new ShardMergeException(
                $"Cannot merge {shardFolder}: shards {string.Join(", ", missing)} of {count} missing or bad"
                + (problems.Count > 0 ? $" ({string.Join("; ", problems)})" : "") + ". Run them (again) with --shard i/" + count + ".",
                missing);

        var files = Enumerable.Range(0, count).Select(i => byIndex[i]).ToList();
        long merged = Copy(files, outputPath);
        return new MergeResult(outputPath, count, merged);
    }

    /// <summary>Rows ordered by pool row, duplicates refused, the first shard's footer metadata carried over.</summary>
    private static long Copy(IReadOnlyList<string> files, string outputPath)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        var (rows, distinct) = Counts(connection, "[" + string.Join(", ", files.Select(Quote)) + "]");
        if (rows != distinct) throw new ShardMergeException($"The shards overlap: {rows - distinct} pool rows appear in more than one shard.", []);
        // DuckDB checked the shards as a whole; the merged file is written through the typed, atomic score writer
        // (a k-way merge of the row-ordered shards), because DuckDB writes every column as optional and typed
        // Parquet readers insist on the shards' required columns.
        ScoreFile.Write(outputPath, MergeByRow(files), FooterMetadata(files[0]));
        return rows;
    }

    private static (long Rows, long Distinct) Counts(DuckDBConnection connection, string list)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*), count(DISTINCT \"row\") FROM read_parquet({list})";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    /// <summary>Rows in a Parquet file from its footer; -1 when the file cannot be read as Parquet.</summary>
    private static long RowCount(string file)
    {
        try
        {
            return RowCountAsync(file).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ParquetException)
        {
            return -1;
        }
    }

    private static async Task<long> RowCountAsync(string file)
    {
        await using var reader = await ParquetReader.CreateAsync(file);
        long rows = 0;
        for (int i = 0; i < reader.RowGroupCount; i++)
        {
            using var group = reader.OpenRowGroupReader(i);
            rows += group.RowCount;
        }
        return rows;
    }

    private static IReadOnlyDictionary<string, string> FooterMetadata(string file) =>
        ParquetRows.ReadMetadataAsync(file).GetAwaiter().GetResult();

    /// <summary>Each shard is in pool-row order, so a k-way merge yields the whole pool in order, one row group per shard in memory.</summary>
    private static IEnumerable<ScoreRow> MergeByRow(IReadOnlyList<string> files)
    {
        var cursors = files.Select(f => ParquetRows.ReadAsync<ScoreRow>(f).ToBlockingEnumerable().GetEnumerator()).ToList();
        try
        {
            var heap = new PriorityQueue<int, long>();
            for (int i = 0; i < cursors.Count; i++)
                if (cursors[i].MoveNext()) heap.Enqueue(i, cursors[i].Current.Row);
            while (heap.TryDequeue(out int i, out _))
            {
                yield return cursors[i].Current;
                if (cursors[i].MoveNext()) heap.Enqueue(i, cursors[i].Current.Row);
            }
        }
        finally
        {
            foreach (var cursor in cursors) cursor.Dispose();
        }
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
