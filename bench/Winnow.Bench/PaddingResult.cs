namespace Winnow.Bench;

/// <summary>Padding share of ToV scoring batches as the scorer forms them (LengthBucketer per 2048-example chunk, no shuffle).</summary>
public sealed record PaddingResult(int PoolSize, int BatchSize, double PaddingFraction, double MeanLength);
