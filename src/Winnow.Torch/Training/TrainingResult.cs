namespace Winnow.Torch.Training;

/// <summary>A finished run: the per-epoch results and the final state.</summary>
public sealed record TrainingResult(IReadOnlyList<EpochResult> Epochs, TrainerState FinalState, IReadOnlyList<string> Checkpoints);
