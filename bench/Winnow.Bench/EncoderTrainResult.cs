namespace Winnow.Bench;

/// <summary>A training step's tokens/s and where its time goes.</summary>
public sealed record EncoderTrainResult(
    string Mode, string Batches, int Threads, int Steps, long RealTokens, long PaddedTokens, double Seconds,
    double ForwardSeconds, double BackwardSeconds, double OptimizerSeconds, long TrainableParameters)
{
    public double TokensPerSecond => RealTokens / Seconds;
    public double PaddingFraction => 1 - (double)RealTokens / PaddedTokens;
}
