namespace Winnow.Torch.Training;

/// <summary>One optimizer step, as reported to <see cref="IProgress{T}"/>.</summary>
/// <param name="Step">1-based count of optimizer steps taken so far in the run.</param>
/// <param name="TotalSteps">Steps the schedule is sized for.</param>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Loss">Eq. 7 over the step's examples (all its accumulated batches).</param>
/// <param name="LearningRate">The rate this step used (schedule × scale).</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
/// <param name="TokensPerSecond">Input tokens (attention mask) per second over the step.</param>
/// <param name="Examples">Examples the step's loss averaged over.</param>
/// <param name="ExcludedExamples">Examples in the step's batches with no predicted position, left out of the loss.</param>
public sealed record TrainingProgress(int Step, int TotalSteps, int Epoch, double Loss, double LearningRate, double GradNorm, double TokensPerSecond, int Examples, int ExcludedExamples);

/// <summary>
/// Where a run stands: <see cref="GlobalStep"/> schedule steps done, <see cref="Epoch"/> the epoch in progress
/// (or next), <see cref="BatchInEpoch"/> batches of it consumed. Saved with each checkpoint as trainer-state.json.
/// </summary>
public sealed record TrainerState(int GlobalStep, int Epoch, int BatchInEpoch, int TotalSteps);

/// <summary>What one pass over a batch sequence did.</summary>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="SkippedBatches">Batches with no predicted position at all, which give no loss and were skipped.</param>
/// <param name="MeanLoss">Mean of the steps' losses (NaN when no step was taken).</param>
/// <param name="Completed">False when it stopped at a step limit before the batches ran out.</param>
public sealed record EpochResult(int Steps, int SkippedBatches, double MeanLoss, bool Completed);

/// <summary>A finished run: the per-epoch results and the final state.</summary>
public sealed record TrainingResult(IReadOnlyList<EpochResult> Epochs, TrainerState FinalState, IReadOnlyList<string> Checkpoints);
