using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Core.Sharding;

namespace Winnow.Core.Tests.Sharding;

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
