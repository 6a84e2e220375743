using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;

namespace Winnow.Core.Tests.IO;

/// <summary>
/// Issue 17, items 4–6: a selection's three files appear together or not at all, an output another process holds is
/// refused at once naming the holder (a stale lock is recovered), and a bad budget or unwritable output is refused
/// before any work.
/// </summary>
public sealed class OutputSetAndLockTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (string Pool, string Scores) PoolAndScores(int n = 120)
    {
        var pool = Path.Combine(_dir.Path, "pool.jsonl");
        ExampleJsonl.Write(pool, Enumerable.Range(0, n).Select(i => new InstructionExample($"ex{i}", "pool", $"prompt {i}", $"answer {i}")));
        var source = DatasetReader.Read([pool]).First().Source;
        var scores = Path.Combine(_dir.Path, "scores.parquet");
        ScoreFile.Write(scores, Enumerable.Range(0, n).Select(i => new ScoreRow { Row = i, Id = $"ex{i}", Source = source, Length = 5, Predicted = 2, Score = i }));
        return (pool, scores);
    }

    private SubsetRequest Request(string scores, string pool, int budget, string output) =>
        new(scores, [pool], budget, output) { Strategy = SelectionStrategy.ScoreOnly, Bins = 1 };

    [Theory]
    [InlineData(".scores.jsonl")]
    [InlineData(".summary.json")]
    public void A_selection_that_cannot_write_all_its_files_leaves_the_previous_set_as_it_was(string blockedSuffix)
    {
        var (pool, scores) = PoolAndScores();
        var output = Path.Combine(_dir.Path, "subset.jsonl");
        var first = SubsetSelector.Select(Request(scores, pool, 20, output));
        var blocked = SubsetSelector.SidePath(output, blockedSuffix);
        var paths = new[] { first.OutputPath, first.ScoresSidePath, first.SummaryPath }.Where(p => p != blocked).ToArray();
        var before = paths.Select(File.ReadAllText).ToArray();

        // One of the files cannot be replaced (a folder holds its name, as a full disk or a permission would refuse it).
        // The old code wrote the new 100-row subset first and then stopped, beside the summary of the 20-row one.
        File.Delete(blocked);
        Directory.CreateDirectory(blocked);
        File.WriteAllText(Path.Combine(blocked, "x"), "in the way");
        Assert.ThrowsAny<IOException>(() => SubsetSelector.Select(Request(scores, pool, 100, output)));

        Assert.Equal(before, paths.Select(File.ReadAllText).ToArray());
        Assert.Equal(20, File.ReadAllLines(output).Length);
        Assert.Empty(Directory.EnumerateFiles(_dir.Path, ".subset*"));
    }

    [Fact]
    public void The_summary_is_written_last_and_names_the_set_it_finishes()
    {
        var (pool, scores) = PoolAndScores();
        var result = SubsetSelector.Select(Request(scores, pool, 30, Path.Combine(_dir.Path, "subset.jsonl")));
        using var summary = JsonDocument.Parse(File.ReadAllText(result.SummaryPath));
        var files = summary.RootElement.GetProperty("files");
        Assert.Equal("subset.jsonl", files.GetProperty("subset").GetString());
        Assert.Equal("subset.scores.jsonl", files.GetProperty("scores").GetString());
        Assert.Equal(30, files.GetProperty("rows").GetInt32());
        Assert.Equal(30, File.ReadAllLines(result.OutputPath).Length);
        Assert.Equal(30, File.ReadAllLines(result.ScoresSidePath).Length);
        Assert.True(File.GetLastWriteTimeUtc(result.SummaryPath) >= File.GetLastWriteTimeUtc(result.OutputPath));
        Assert.Empty(Directory.EnumerateFiles(_dir.Path, ".*"));
    }

    [Fact]
    public void An_output_another_process_holds_is_refused_at_once_naming_it()
    {
        var (pool, scores) = PoolAndScores();
        var output = Path.Combine(_dir.Path, "subset.jsonl");
        // Another process's lock: its file, held open with the shared lock FileLock keeps.
        var lockPath = FileLock.ForFile(output);
        using (var other = new FileStream(lockPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete))
        {
            other.Write(AtomicFile.Utf8.GetBytes("pid=424242\nhost=" + Environment.MachineName + "\nstarted=2026-12-01T07:00:00Z\ncommand=winnow select --out subset.jsonl\n"));
            other.Flush();
            var e = Assert.Throws<FileLockException>(() => SubsetSelector.Select(Request(scores, pool, 10, output)));
            Assert.Contains("pid 424242", e.Message);
            Assert.Contains("winnow select --out subset.jsonl", e.Message);
            Assert.Contains(output, e.Message);
            Assert.Single(e.Message.Split('\n'));
            Assert.False(File.Exists(output));
        }

        // The holder was killed: its file stays, its lock does not. The next run recovers it, says so, and cleans up.
        File.WriteAllText(lockPath, "pid=424242\ncommand=winnow select\n");
        var said = new List<string>();
        SubsetSelector.Select(Request(scores, pool, 10, output), new Progress(said));
        Assert.True(File.Exists(output));
        Assert.Contains(said, line => line.Contains("stale lock", StringComparison.Ordinal) && line.Contains("424242", StringComparison.Ordinal));
        Assert.False(File.Exists(lockPath));
    }

    [Fact]
    public void A_lock_is_shared_within_one_process_and_released_after_the_last_holder()
    {
        var folder = Path.Combine(_dir.Path, "run");
        using (var outer = FileLock.AcquireFolder(folder))
        {
            using (var inner = FileLock.AcquireFolder(folder))
                Assert.True(File.Exists(FileLock.ForFolder(folder)));
            Assert.True(File.Exists(FileLock.ForFolder(folder)));
            Assert.Contains($"pid={Environment.ProcessId}", ReadShared(FileLock.ForFolder(folder)));
        }
        Assert.False(File.Exists(FileLock.ForFolder(folder)));
    }

    [Fact]
    public void A_bad_budget_or_an_unwritable_output_is_refused_before_reading_anything()
    {
        // Neither the score file nor the pool exists: a check that reads them first would fail on them instead.
        var missing = Path.Combine(_dir.Path, "none");
        var e = Assert.Throws<ArgumentException>(() => SubsetSelector.Select(Request(missing, missing, 0, Path.Combine(_dir.Path, "s.jsonl"))));
        Assert.Contains("--budget must be a positive number", e.Message);
        Assert.DoesNotContain("Parameter", e.Message);
        Assert.Contains(".jsonl or .parquet", Assert.Throws<ArgumentException>(() => SubsetSelector.Select(Request(missing, missing, 5, Path.Combine(_dir.Path, "s.csv")))).Message);

        var blocked = Path.Combine(_dir.Path, "a-file");
        File.WriteAllText(blocked, "not a folder");
        var io = Assert.ThrowsAny<IOException>(() => SubsetSelector.Select(Request(missing, missing, 5, Path.Combine(blocked, "s.jsonl"))));
        Assert.Contains("Cannot write", io.Message);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    private sealed class Progress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
