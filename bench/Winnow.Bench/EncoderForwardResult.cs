namespace Winnow.Bench;

/// <summary>
/// One engine over one batch set: real (unpadded) tokens per second over whole passes. <see cref="Forwards"/> forward
/// passes run per batch (ToV scoring: 2, one per adapter state), so per-forward throughput is tokens/s × forwards.
/// </summary>
public sealed record EncoderForwardResult(
    string Engine, string Batches, int Threads, int Forwards, int Passes, long RealTokens, long PaddedTokens, double Seconds, double CpuSeconds)
{
    /// <summary>Process CPU seconds per wall second while it ran: the cores the engine really kept busy.</summary>
    public double CoresUsed => CpuSeconds / Seconds;

    public double TokensPerSecond => RealTokens * (double)Passes / Seconds;
    public double PerForwardTokensPerSecond => TokensPerSecond * Forwards;
    public double PaddingFraction => 1 - (double)RealTokens / PaddedTokens;
}
