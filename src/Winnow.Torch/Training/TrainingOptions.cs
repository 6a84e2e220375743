namespace Winnow.Torch.Training;

/// <summary>
/// How to fine-tune. Defaults follow LESS's LoRA recipe (AdamW, linear decay with 3% warm-up, clip 1.0, no weight
/// decay, learning rate 2e-5). Call <see cref="Validate"/> (the trainer does) to get every mistake in one message.
/// </summary>
public sealed record TrainingOptions
{
    public double LearningRate { get; init; } = 2e-5;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
    public double WeightDecay { get; init; }

    /// <summary>Warm-up length as a fraction of all steps (rounded up, as Hugging Face does). Ignored when <see cref="WarmupSteps"/> is set.</summary>
    public double WarmupFraction { get; init; } = 0.03;

    /// <summary>Warm-up length in steps; overrides <see cref="WarmupFraction"/>.</summary>
    public int? WarmupSteps { get; init; }

    /// <summary>Global L2 norm the gradients are clipped to; null turns clipping off.</summary>
    public double? MaxGradNorm { get; init; } = 1.0;

    public int Epochs { get; init; } = 1;

    /// <summary>Stops after this many optimizer steps, and sizes the schedule to it, whatever <see cref="Epochs"/> says.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Examples per batch, used by <see cref="BatchSource.FromExamples{T}"/>.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// Batches whose gradients are summed into one optimizer step (LESS reaches its batch of 128 this way). The
    /// step's loss is Eq. 7 over all the step's examples; an epoch's last step may take fewer batches.
    /// </summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>Seeds libtorch's generator (dropout) and the example shuffle.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Writes a checkpoint (optimizer state, trainer state, and the caller's model files) after every epoch.</summary>
    public bool CheckpointEachEpoch { get; init; }

    /// <summary>Also writes a checkpoint every this many steps; null for none.</summary>
    public int? CheckpointEverySteps { get; init; }

    /// <summary>
    /// Also writes a checkpoint after the first step that ends this many seconds after the last one (or the start);
    /// null for none. Wall-clock based, so it changes when checkpoints are taken, never what they hold.
    /// </summary>
    public double? CheckpointEverySeconds { get; init; }

    /// <summary>Deletes all but the newest this many checkpoint folders after each checkpoint; null keeps every one.</summary>
    public int? KeepLastCheckpoints { get; init; }

    /// <summary>Where checkpoints go, one folder per checkpoint (<c>step-000120</c>); needed when any checkpointing is on.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public TrainingOptions Validate()
    {
        var errors = new List<string>();
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) errors.Add($"LearningRate must be positive and finite (got {LearningRate}).");
        if (!(Beta1 >= 0 && Beta1 < 1)) errors.Add($"Beta1 must be in [0, 1) (got {Beta1}).");
        if (!(Beta2 >= 0 && Beta2 < 1)) errors.Add($"Beta2 must be in [0, 1) (got {Beta2}).");
        if (!(Epsilon > 0)) errors.Add($"Epsilon must be positive (got {Epsilon}).");
        if (!(WeightDecay >= 0)) errors.Add($"WeightDecay must be >= 0 (got {WeightDecay}).");
        if (!(WarmupFraction >= 0 && WarmupFraction <= 1)) errors.Add($"WarmupFraction must be in [0, 1] (got {WarmupFraction}).");
        if (WarmupSteps is < 0) errors.Add($"WarmupSteps must be >= 0 (got {WarmupSteps}).");
        if (MaxGradNorm is { } n && !(n > 0)) errors.Add($"MaxGradNorm must be positive, or null to turn clipping off (got {n}).");
        if (Epochs < 1) errors.Add($"Epochs must be >= 1 (got {Epochs}).");
        if (MaxSteps is < 1) errors.Add($"MaxSteps must be >= 1 (got {MaxSteps}).");
        if (GradientAccumulationSteps < 1) errors.Add($"GradientAccumulationSteps must be >= 1 (got {GradientAccumulationSteps}).");
        if (BatchSize < 1) errors.Add($"BatchSize must be >= 1 (got {BatchSize}).");
        if (CheckpointEverySteps is < 1) errors.Add($"CheckpointEverySteps must be >= 1 (got {CheckpointEverySteps}).");
        if (CheckpointEverySeconds is { } seconds && !(seconds > 0)) errors.Add($"CheckpointEverySeconds must be positive (got {seconds}).");
        if (KeepLastCheckpoints is < 1) errors.Add($"KeepLastCheckpoints must be >= 1 (got {KeepLastCheckpoints}).");
        if ((CheckpointEachEpoch || CheckpointEverySteps is not null || CheckpointEverySeconds is not null) && string.IsNullOrWhiteSpace(CheckpointDirectory))
            errors.Add("CheckpointDirectory is needed when checkpointing is on.");
        if (errors.Count > 0) throw new ArgumentException("Invalid training options: " + string.Join(" ", errors));
        return this;
    }

    /// <summary>Optimizer steps per epoch of <paramref name="batchesPerEpoch"/> batches.</summary>
    public int StepsPerEpoch(int batchesPerEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchesPerEpoch);
        return (batchesPerEpoch + GradientAccumulationSteps - 1) / GradientAccumulationSteps;
    }

    /// <summary>Optimizer steps a run makes with <paramref name="batchesPerEpoch"/> batches per epoch.</summary>
    public int TotalSteps(int batchesPerEpoch)
    {
        long byEpochs = (long)Epochs * StepsPerEpoch(batchesPerEpoch);
        return (int)Math.Min(MaxSteps ?? long.MaxValue, Math.Min(byEpochs, int.MaxValue));
    }

    /// <summary>Warm-up steps for a run of <paramref name="totalSteps"/>.</summary>
    public int ResolveWarmupSteps(int totalSteps) =>
        WarmupSteps ?? (int)Math.Ceiling(totalSteps * WarmupFraction);
}
