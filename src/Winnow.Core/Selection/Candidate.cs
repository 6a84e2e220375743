namespace Winnow.Core.Selection;

/// <summary>One scored pool example as selection sees it.</summary>
/// <param name="Index">Row index in the score table (kept so callers can map back).</param>
/// <param name="Length">Length in tokens, for length binning.</param>
/// <param name="Score">The score under the chosen transform; higher = more useful. NaN = not scored.</param>
/// <param name="InBaseSet">Whether the example is in ToV's random base set U (not scored by ToV).</param>
public readonly record struct Candidate(int Index, int Length, double Score, bool InBaseSet);
