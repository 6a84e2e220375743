namespace Winnow.Experiments;

/// <summary>What a <see cref="PaperClaim"/> compares: ToV's gain over random in test log-loss, or LESS's cost over ToV's.</summary>
public enum PaperMeasure
{
    /// <summary>% reduction in test log-loss against random (Winnow: <see cref="PairedGain"/> of tov / tov-score-only).</summary>
    GainOverRandom,

    /// <summary>LESS's fit+score seconds divided by ToV's in the same study.</summary>
    TimeVsLess,

    /// <summary>LESS's bytes on disk divided by ToV's in the same study.</summary>
    DiskVsLess,
}
