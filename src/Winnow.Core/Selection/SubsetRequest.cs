using Winnow.Core.Data;
using Winnow.Core.Scoring;

namespace Winnow.Core.Selection;

/// <summary>What to select from a score file, and where to write the subset (.jsonl or .parquet by extension).</summary>
public sealed record SubsetRequest(string ScoresPath, IReadOnlyList<string> Pool, int Budget, string OutputPath)
{
    public SelectionStrategy Strategy { get; init; } = SelectionStrategy.ScoreRandom;

    /// <summary>The score column ranked by (<see cref="ScoreFile.Columns"/>).</summary>
    public string Column { get; init; } = "score";

    public int Bins { get; init; } = 10;

    /// <summary>The length the bins cut on (<see cref="BinLength"/>).</summary>
    public BinLength BinBy { get; init; } = BinLength.Tokens;

    /// <summary>How the bins share the scored budget (<see cref="Selection.BinWeights"/>); the target's needs its lengths in the score file.</summary>
    public BinWeights BinWeights { get; init; } = BinWeights.Equal;

    /// <summary>
    /// Score+Random's share of the budget drawn at random from the base set; null = the paper's half
    /// (<see cref="SelectionOptions.DefaultRandomShare"/>). Refused with any other strategy.
    /// </summary>
    public double? RandomShare { get; init; }

    /// <summary>
    /// What fills Score+Random's random share (<see cref="Selection.ShareFill"/>); the target's nearest rows need them
    /// listed in the score file. Refused with any other strategy unless <see cref="ShareFill.Auto"/>, which has nothing to fill there.
    /// </summary>
    public ShareFill ShareFill { get; init; } = ShareFill.Random;

    public int Seed { get; init; }

    /// <summary>How the pool is read; must match how it was read for scoring (same label map), or rows will not line up.</summary>
    public ReadOptions ReadOptions { get; init; } = ReadOptions.Default;
}
