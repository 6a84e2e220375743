namespace Winnow.Torch.Training;

/// <summary>
/// Where a run stands: <see cref="GlobalStep"/> schedule steps done, <see cref="Epoch"/> the epoch in progress
/// (or next), <see cref="BatchInEpoch"/> batches of it consumed. Saved with each checkpoint as trainer-state.json.
/// </summary>
public sealed record TrainerState(int GlobalStep, int Epoch, int BatchInEpoch, int TotalSteps);
