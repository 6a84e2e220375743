namespace Winnow.Torch.Training;

/// <summary>
/// Linear warm-up from 0 to the peak rate, then linear decay to 0 at <see cref="TotalSteps"/>: Hugging Face's
/// <c>get_linear_schedule_with_warmup</c>, which LESS trained with. Step k (0-based) uses <see cref="LearningRate"/>(k),
/// so with warm-up the very first update has rate 0, exactly as there.
/// </summary>
public sealed record LinearWarmupSchedule
{
    public LinearWarmupSchedule(double peakLearningRate, int warmupSteps, int totalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peakLearningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        PeakLearningRate = peakLearningRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
    }

    public double PeakLearningRate { get; }
    public int WarmupSteps { get; }
    public int TotalSteps { get; }

    public static LinearWarmupSchedule From(TrainingOptions options, int totalSteps) =>
        new(options.LearningRate, options.ResolveWarmupSteps(totalSteps), totalSteps);

    /// <summary>Multiplier of the peak rate at 0-based <paramref name="step"/>.</summary>
    public double Factor(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps) return (double)step / Math.Max(1, WarmupSteps);
        return Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps));
    }

    public double LearningRate(int step) => PeakLearningRate * Factor(step);

    /// <summary>
    /// The mean scheduled rate over steps [<paramref name="from"/>, <paramref name="to"/>): an epoch's η as ToV and LESS
    /// record it, so warm-up's zero first step does not zero the epoch. An epoch that took no step gets the rate of the
    /// step it would have taken.
    /// </summary>
    public double MeanRate(int from, int to)
    {
        if (to <= from) return LearningRate(Math.Max(0, Math.Min(from, TotalSteps - 1)));
        double sum = 0;
        for (int s = from; s < to; s++) sum += LearningRate(s);
        return sum / (to - from);
    }
}
