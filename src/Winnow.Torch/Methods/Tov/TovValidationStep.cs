namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// How ToV's validation pass moves θ_bas^k to θ_val^k (<see cref="TovFitOptions.ValidationStep"/>; docs/tov-defaults.md,
/// "The validation step without U's momentum" and "The validation step at AdamW's length").
/// </summary>
public enum TovValidationStep
{
    /// <summary>
    /// The base trajectory's AdamW, moments and all (what every ToV run until 2026-12-02 did; NER's default). Adam's first moment still
    /// holds U's gradients (β1 = 0.9), so after a pass of four target batches about two thirds of the step is U's
    /// momentum: Δ then measures "what more training on U does to this row" as much as "what the target does".
    /// </summary>
    Adam,

    /// <summary>
    /// The paper's Eq. 6 step on the target alone (instruction tuning's default on 2026-12-02), preconditioned as Adam would: each batch moves the adapters by
    /// −ε·η_k · g_Z / (√v̂ + ε_Adam), with v̂ the base trajectory's second moment updated by g_Z (as LESS's Γ), no first
    /// moment, no weight decay, and the optimizer's state left as it was.
    /// </summary>
    Preconditioned,

    /// <summary>
    /// <see cref="Preconditioned"/>'s direction, each adapter tensor's move at the length of the AdamW step it replaces
    /// (<see cref="Training.AdamWOptimizer.PreconditionedStep"/> with matchAdamLength): the target alone, at the
    /// trajectory's own step size. Instruction tuning's default since 2026-12-03 (by a rule written before it ran: level
    /// with <see cref="Preconditioned"/> there, +0.04% on the mean). Not NER's: off-domain (politics) it picked as badly as
    /// <see cref="Preconditioned"/>, so there the target's direction fails, not the step's size.
    /// </summary>
    Matched,

    /// <summary>
    /// The task's default, made concrete by <see cref="TovFitOptions.ResolveValidationStep"/> before the fingerprint:
    /// <see cref="Matched"/> for instruction tuning (since 2026-12-03; <see cref="Preconditioned"/> on 2026-12-02),
    /// <see cref="Adam"/> for NER, where the target's own step picked worse at either length (docs/tov-defaults.md).
    /// </summary>
    FamilyDefault,
}
