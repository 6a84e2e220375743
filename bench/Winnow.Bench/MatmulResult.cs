namespace Winnow.Bench;

public sealed record MatmulResult(string Shape, long M, long K, long N, int Threads, double GflopsPerSecond);
