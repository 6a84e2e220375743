namespace Winnow.Torch.Training;

/// <summary>Passed to <see cref="Trainer.Fit"/>'s epoch callback after each epoch.</summary>
public sealed record EpochEnd(int Epoch, EpochResult Result, Trainer Trainer);
