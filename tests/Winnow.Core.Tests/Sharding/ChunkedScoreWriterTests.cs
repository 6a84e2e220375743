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
