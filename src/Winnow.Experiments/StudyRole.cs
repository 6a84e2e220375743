namespace Winnow.Experiments;

/// <summary>What a study column is compared as (docs/design.md, "Study methods").</summary>
public enum StudyRole
{
    /// <summary>A selection method: its gain over the baseline is what a study measures.</summary>
    Selection,

    /// <summary>The reference every gain is measured against (random).</summary>
    Baseline,

    /// <summary>A selection without scores that a method should beat to be worth its cost (the source filter).</summary>
    Control,
}
