namespace Winnow.Bench;

/// <summary>Resident memory while ToV scores a pool: one sample per finished chunk.</summary>
public sealed record RssSample(int Rows, double Seconds, double CpuSeconds, long RssBytes, long PeakRssBytes);
