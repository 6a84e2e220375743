using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Core.Sharding;

namespace Winnow.Core.Tests.Sharding;

/// <summary>The shared streaming path: shard filter with whole-pool row numbers, part files, resume and refusal.</summary>
public sealed class ChunkedScoreWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "winnow-chunked-" + Guid.NewGuid().ToString("N"));

    private static readonly Example[] Pool = Enumerable.Range(0, 500)
        .Select(i => (Example)new InstructionExample($"id-{i}", $"src{i % 3}", $"prompt {i}", $"completion {i}")).ToArray();

    private static readonly Dictionary<string, string> Metadata = new() { ["winnow.method"] = "test" };

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string File(string name) => Path.Combine(_dir, name);

    private static ScoreRow[] Score(IReadOnlyList<PoolItem> chunk) =>
        chunk.Select(item => new ScoreRow { Row = item.Row, Id = item.Example.Id, Source = item.Example.Source, Score = item.Row * 0.5 + item.Example.Id.Length }).ToArray();

    private static ScoreJob Job(string output, Shard shard, string fingerprint = "fp", int chunk = 40) =>
        ScoreJob.Of(output, "test", fingerprint, "pool", shard, chunk);

    [Fact]
    public void Three_shards_merged_equal_the_whole_run_row_for_row()
    {
        var whole = ChunkedScoreWriter.Write(Job(File("whole.parquet"), Shard.Whole), Pool, Score, Metadata);
        Assert.Equal(Pool.Length, whole.Rows);
        Assert.False(Directory.Exists(ChunkedScoreWriter.PartsFolder(File("whole.parquet"))));
        for (int i = 0; i < 3; i++)
        {
            var shard = new Shard(i, 3);
            var output = Path.Combine(_dir, "shards", ShardFiles.ScoresName(shard));
            var result = ChunkedScoreWriter.Write(Job(output, shard), Pool, Score, Metadata);
            Assert.Equal(Pool.Count(e => shard.Contains(e.Source, e.Id)), result.Rows);
            Assert.True(System.IO.File.Exists(ShardFiles.RecordPath(output)));
        }
        ShardMerger.Merge(Path.Combine(_dir, "shards"), File("merged.parquet"));
        Assert.Equal(Columns(File("whole.parquet")), Columns(File("merged.parquet")));
    }

    [Fact]
    public void A_run_that_failed_mid_way_resumes_from_its_parts_and_refuses_other_inputs()
    {
        string output = File("scores.parquet");
        int computed = 0;
        var crash = () => ChunkedScoreWriter.Write(Job(output, Shard.Whole), Pool, chunk =>
        {
            if (++computed == 4) throw new IOException("killed");
            return Score(chunk);
        }, Metadata);
        Assert.Throws<IOException>(crash);
        Assert.Equal(3, Directory.GetFiles(ChunkedScoreWriter.PartsFolder(output), "part-*.parquet").Length);
        Assert.False(System.IO.File.Exists(output));

        var changed = Assert.Throws<InvalidDataException>(() => ChunkedScoreWriter.Write(Job(output, Shard.Whole, fingerprint: "other"), Pool, Score, Metadata));
        Assert.Contains("run fingerprint", changed.Message);
        Assert.Contains("not mixed", changed.Message);
        Assert.Throws<InvalidDataException>(() => ChunkedScoreWriter.Write(Job(output, Shard.Whole, chunk: 41), Pool, Score, Metadata));

        long startedAt = -1;
        int recomputed = 0;
        var resumed = ChunkedScoreWriter.Write(Job(output, Shard.Whole), Pool, chunk => { recomputed++; return Score(chunk); }, Metadata, done => startedAt = done);
        Assert.Equal(3, resumed.ResumedChunks);
        Assert.Equal(3 * 40, startedAt);
        Assert.Equal(resumed.Chunks - 3, recomputed);

        ChunkedScoreWriter.Write(Job(File("straight.parquet"), Shard.Whole), Pool, Score, Metadata);
        Assert.Equal(Columns(File("straight.parquet")), Columns(output));
        Assert.False(Directory.Exists(ChunkedScoreWriter.PartsFolder(output)));
    }

    private static List<string> Columns(string path) =>
        ScoreFile.Read(path).Select(r => $"{r.Row}|{r.Id}|{r.Source}|{r.Length}|{r.Predicted}|{r.InBase}|{r.Score:R}|{r.PhiIdentity:R}|{string.Join(",", r.PhiIdentityEpochs)}").ToList();
}

/// <summary>Issue 17: what a resume reports, and what a killed join leaves behind.</summary>
public sealed class ChunkedScoreWriterResumeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "winnow-chunked-resume-" + Guid.NewGuid().ToString("N"));

    private static readonly Example[] Pool = Enumerable.Range(0, 200)
        .Select(i => (Example)new InstructionExample($"id-{i}", $"src{i % 3}", $"prompt {i}", $"completion {i}")).ToArray();

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    // Every 5th row is in the base set U, every 7th could not be encoded (length 0).
    private static ScoreRow[] Score(IReadOnlyList<PoolItem> chunk) =>
        chunk.Select(item => new ScoreRow
        {
            Row = item.Row, Id = item.Example.Id, Source = item.Example.Source, InBase = item.Row % 5 == 0, Length = item.Row % 7 == 0 ? 0 : 10,
            Score = item.Row % 5 == 0 || item.Row % 7 == 0 ? double.NaN : item.Row,
        }).ToArray();

    private static ScoreJob Job(string output) => ScoreJob.Of(output, "test", "fp", "pool", Shard.Whole, 40);

    [Fact]
    public void A_resumed_run_reports_the_counts_of_a_clean_one()
    {
        var clean = ChunkedScoreWriter.Write(Job(Path.Combine(_dir, "clean.parquet")), Pool, Score, new Dictionary<string, string>());
        long expectedInBase = Pool.Select((_, i) => i).Count(i => i % 5 == 0 && i % 7 != 0);
        Assert.Equal(expectedInBase, clean.InBase);
        Assert.Equal(Pool.Length / 7 + 1, clean.NotEncodable);

        // Killed during the third chunk, then resumed: the resumed chunks' rows are counted too.
        var output = Path.Combine(_dir, "resumed.parquet");
        int chunks = 0;
        Assert.Throws<OperationCanceledException>(() => ChunkedScoreWriter.Write(Job(output), Pool,
            chunk => ++chunks == 3 ? throw new OperationCanceledException() : Score(chunk), new Dictionary<string, string>()));
        var resumed = ChunkedScoreWriter.Write(Job(output), Pool, Score, new Dictionary<string, string>());
        Assert.Equal(2, resumed.ResumedChunks);
        Assert.Equal((clean.Rows, clean.Scored, clean.InBase, clean.NotEncodable), (resumed.Rows, resumed.Scored, resumed.InBase, resumed.NotEncodable));
    }

    [Fact]
    public void The_temp_file_of_a_join_that_was_killed_is_removed_by_the_next_run()
    {
        var output = Path.Combine(_dir, "scores.parquet");
        Directory.CreateDirectory(_dir);
        // What AtomicFile leaves when the process is killed between creating its temp file and the rename.
        var orphan = Path.Combine(_dir, $".scores.parquet.{Guid.NewGuid():N}.tmp");
        System.IO.File.WriteAllText(orphan, "half a parquet file");
        var other = Path.Combine(_dir, $".other.parquet.{Guid.NewGuid():N}.tmp");
        System.IO.File.WriteAllText(other, "another output's");

        ChunkedScoreWriter.Write(Job(output), Pool, Score, new Dictionary<string, string>());
        Assert.False(System.IO.File.Exists(orphan));
        Assert.True(System.IO.File.Exists(other));
        Assert.Empty(Directory.EnumerateFiles(_dir, ".scores.parquet*"));
    }
}
