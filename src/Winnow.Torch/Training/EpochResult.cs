namespace Winnow.Torch.Training;

/// <summary>What one pass over a batch sequence did.</summary>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="SkippedBatches">Batches with no predicted position at all, which give no loss and were skipped.</param>
/// <param name="MeanLoss">Mean of the steps' losses (NaN when no step was taken).</param>
/// <param name="Completed">False when it stopped at a step limit before the batches ran out.</param>
public sealed record EpochResult(int Steps, int SkippedBatches, double MeanLoss, bool Completed);
