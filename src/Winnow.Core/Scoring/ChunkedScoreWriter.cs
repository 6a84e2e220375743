using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Sharding;

namespace Winnow.Core.Scoring;

/// <summary>
/// The streaming path every chunked scorer shares, so sharding and resume are implemented once:
/// <list type="bullet">
/// <item>the pool is filtered to the examples whose (source, id) falls in the job's shard, keeping each one's row number
/// in the whole pool, so merged shards are ordered exactly like an unsharded run;</item>
/// <item>each finished chunk is written as OUTPUT.parts/part-NNNNNN.parquet (atomic rename), beside a progress record
/// naming the <see cref="ScoreJob"/>; a run started again with the same job skips finished chunks (the pool is still
/// read, to keep row numbers, but nothing is computed) and refuses a parts folder left by another job;</item>
/// <item>at the end the parts are concatenated into OUTPUT (atomic rename) and deleted; a sharded job then writes its
/// completion record (<see cref="ShardFiles.Complete"/>) so <see cref="ShardMerger"/> accepts it.</item>
/// </list>
/// </summary>
public static class ChunkedScoreWriter
{
    public const string ProgressFile = "progress.json";

    public static string PartsFolder(string outputPath) => outputPath + ".parts";

    public static string PartPath(string partsFolder, int chunk) =>
        Path.Combine(partsFolder, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"part-{chunk:D6}.parquet"));

    /// <summary>
    /// Scores <paramref name="pool"/> chunk by chunk with <paramref name="scoreChunk"/> (rows in the chunk's order).
    /// <paramref name="onStart"/> learns how many of the shard's rows earlier runs already finished, before the first
    /// chunk is computed (LESS truncates its appended feature files to that).
    /// </summary>
    public static ChunkedScoreResult Write<TRow>(
        ScoreJob job, IEnumerable<Example> pool, Func<IReadOnlyList<PoolItem>, TRow[]> scoreChunk,
        IReadOnlyDictionary<string, string> metadata, Action<long>? onStart = null, CancellationToken cancellationToken = default)
        where TRow : ScoreRow, new()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(job.ChunkSize, 1, nameof(job.ChunkSize));
        var shard = job.Shard;
        string parts = PartsFolder(job.OutputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(job.OutputPath)!);
        // One process per score file; the temp file of a join that was killed goes first.
        using var held = FileLock.AcquireFile(job.OutputPath);
        AtomicFile.RemoveOrphans(job.OutputPath);
        if (!shard.IsWhole) File.Delete(ShardFiles.RecordPath(job.OutputPath));
        OpenParts(parts, job);
        int chunks = 0, resumed = 0;
        bool started = false;
        long doneRows = 0;
        foreach (var chunk in ShardItems(pool, shard).Chunk(job.ChunkSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string part = PartPath(parts, chunks++);
            if (!started && File.Exists(part))
            {
                resumed++;
                doneRows += chunk.Length;
                continue;
            }
            if (!started)
            {
                started = true;
                onStart?.Invoke(doneRows);
            }
            var rows = scoreChunk(chunk);
            if (rows.Length != chunk.Length) throw new InvalidOperationException($"A scorer returned {rows.Length} rows for a chunk of {chunk.Length}.");
            ScoreFile.Write<TRow>(part, rows, metadata, cancellationToken);
        }
        if (!started) onStart?.Invoke(doneRows);
        var (written, scored, inBase, notEncodable) = Concatenate<TRow>(parts, chunks, job.OutputPath, metadata, cancellationToken);
        Directory.Delete(parts, recursive: true);
        if (!shard.IsWhole) ShardFiles.Complete(job.OutputPath, shard, written, job.Fingerprint);
        return new ChunkedScoreResult(written, scored, chunks, resumed, inBase, notEncodable);
    }

    /// <summary>The shard's examples with their row numbers in the whole pool.</summary>
    public static IEnumerable<PoolItem> ShardItems(IEnumerable<Example> pool, Shard shard)
    {
        long row = 0;
        foreach (var example in pool)
        {
            if (shard.Contains(example.Source, example.Id)) yield return new PoolItem(row, example);
            row++;
        }
    }

    /// <summary>Creates the parts folder with this job's progress record, or checks that an existing one is this job's.</summary>
    private static void OpenParts(string parts, ScoreJob job)
    {
        string progress = Path.Combine(parts, ProgressFile);
        if (File.Exists(progress))
        {
            var earlier = ReadProgress(progress);
            if (earlier == job) return;
            throw new InvalidDataException(
                $"{parts} holds an interrupted scoring run of other inputs ({Difference(earlier, job)}); it is not mixed with this one: " +
                "rerun with the same arguments to resume it, or delete that folder (or choose another --out) to start over.");
        }
        // A parts folder without a progress record was never written to: nothing to resume.
        if (Directory.Exists(parts)) Directory.Delete(parts, recursive: true);
        Directory.CreateDirectory(parts);
        AtomicFile.WriteText(progress, w => w.Write(JsonSerializer.Serialize(job)));
    }

    private static ScoreJob? ReadProgress(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ScoreJob>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Difference(ScoreJob? earlier, ScoreJob job)
    {
        if (earlier is null) return "unreadable progress record";
        var differ = new List<string>();
        if (earlier.Method != job.Method) differ.Add($"method {earlier.Method} vs {job.Method}");
        if (earlier.Fingerprint != job.Fingerprint) differ.Add("run fingerprint (model, target, config) differs");
        if (earlier.PoolHash != job.PoolHash) differ.Add("pool content differs");
        if (earlier.ShardText != job.ShardText) differ.Add($"shard {earlier.ShardText} vs {job.ShardText}");
        if (earlier.ChunkSize != job.ChunkSize) differ.Add($"chunk size {earlier.ChunkSize} vs {job.ChunkSize}");
        if (earlier.Options != job.Options) differ.Add($"options '{earlier.Options}' vs '{job.Options}'");
        if (earlier.OutputPath != job.OutputPath) differ.Add("output path differs");
        return string.Join("; ", differ);
    }

    private static (long Rows, long Scored, long InBase, long NotEncodable) Concatenate<TRow>(
        string parts, int chunks, string outputPath, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
        where TRow : ScoreRow, new()
    {
        long scored = 0, inBase = 0, notEncodable = 0;
        IEnumerable<TRow> Rows()
        {
            for (int c = 0; c < chunks; c++)
                foreach (var row in ParquetRows.ReadAsync<TRow>(PartPath(parts, c), cancellationToken).ToBlockingEnumerable(cancellationToken))
                {
                    if (double.IsFinite(row.Score)) scored++;
                    if (row.Length == 0) notEncodable++;
                    else if (row.InBase) inBase++;
                    yield return row;
                }
        }
        long rows = ScoreFile.Write<TRow>(outputPath, Rows(), metadata, cancellationToken);
        return (rows, scored, inBase, notEncodable);
    }
}
