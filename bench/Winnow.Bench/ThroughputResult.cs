namespace Winnow.Bench;

public sealed record ThroughputResult(
    string Family, string Mode, int Threads, int Examples, long RealTokens, long PaddedTokens, double Seconds,
    double TokensPerSecond, double GflopsPerSecond, double PaddingFraction, int ForwardsPerBatch);
