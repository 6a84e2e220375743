namespace Winnow.Torch.Training;

/// <summary>
/// How <see cref="Trainer.TrainEpoch"/> runs one pass. The defaults are a normal epoch of the run. ToV's
/// in-between step on the target is <c>new EpochSettings { LearningRateScale = ε, AdvanceSchedule = false }</c>:
/// it trains at ε times the current scheduled rate and leaves the schedule and the run's position where they were.
/// </summary>
public sealed record EpochSettings
{
    /// <summary>Multiplies the scheduled learning rate.</summary>
    public double LearningRateScale { get; init; } = 1.0;

    /// <summary>Uses this rate for every step instead of schedule × scale.</summary>
    public double? FixedLearningRate { get; init; }

    /// <summary>
    /// When true each step advances the schedule and the run's position (and the pass stops when the schedule's
    /// steps are used up). When false the pass is a side pass: every step uses the rate of the current schedule
    /// step (the last one once the run is done), and only Adam's own step counts move.
    /// </summary>
    public bool AdvanceSchedule { get; init; } = true;

    /// <summary>
    /// How each step moves the parameters: an AdamW step (the default), or the batch's own gradient, Adam-preconditioned
    /// with the optimizer's state untouched (<see cref="StepRule"/>). The latter two only on a side pass
    /// (<see cref="AdvanceSchedule"/> false).
    /// </summary>
    public StepRule Rule { get; init; }

    /// <summary>Stops the pass after this many steps.</summary>
    public int? MaxSteps { get; init; }

    public static EpochSettings Default { get; } = new();

    public EpochSettings Validate()
    {
        if (!(LearningRateScale >= 0) || double.IsInfinity(LearningRateScale))
            throw new ArgumentException($"LearningRateScale must be finite and >= 0 (got {LearningRateScale}).");
        if (FixedLearningRate is { } lr && (!(lr >= 0) || double.IsInfinity(lr)))
            throw new ArgumentException($"FixedLearningRate must be finite and >= 0 (got {lr}).");
        if (MaxSteps is < 0) throw new ArgumentException($"MaxSteps must be >= 0 (got {MaxSteps}).");
        if (!Enum.IsDefined(Rule)) throw new ArgumentException($"Unknown step rule {Rule}.");
        if (Rule != StepRule.AdamW && AdvanceSchedule) throw new ArgumentException($"{Rule} steps leave the optimizer as it was: use them on a side pass (AdvanceSchedule false).");
        return this;
    }
}
