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
