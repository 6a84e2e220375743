namespace Winnow.Bench;

/// <summary>One scoring process's memory over a streamed prefix of a pool of <see cref="PoolRows"/> rows.</summary>
public sealed record RssReport(
    string Machine, string Date, string Commit, string Command, string LoadBefore, string LoadAfter, int PoolRows, int PrefixRows,
    int Threads, string Run, long PeakBeforeScoringBytes, IReadOnlyList<RssSample> Samples, bool Complete);
