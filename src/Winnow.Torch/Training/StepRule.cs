namespace Winnow.Torch.Training;

/// <summary>How each step of a pass moves the parameters (<see cref="EpochSettings.Rule"/>).</summary>
public enum StepRule
{
    /// <summary>An AdamW step (<see cref="AdamWOptimizer.Step"/>): moments, step counts and weight decay advance.</summary>
    AdamW,

    /// <summary>
    /// The batch's own gradient, Adam-preconditioned (<see cref="AdamWOptimizer.PreconditionedStep"/>); the optimizer's
    /// state is left as it was. Only on a side pass.
    /// </summary>
    Preconditioned,

    /// <summary>
    /// As <see cref="Preconditioned"/>, each parameter tensor's move scaled to the length of the AdamW step it replaces
    /// (<see cref="AdamWOptimizer.PreconditionedStep"/> with matchAdamNorm). Only on a side pass.
    /// </summary>
    PreconditionedAdamLength,
}
