using Winnow.Core.Selection;

namespace Winnow.Methods;

/// <summary>What <c>MethodPipeline.Run</c> (Winnow.Torch) does: fit <see cref="Method"/> as <see cref="Fit"/> says, then select <see cref="Budget"/> examples into <see cref="OutputPath"/>.</summary>
public sealed record PipelineRequest(string Method, MethodFitRequest Fit, int Budget, string OutputPath)
{
    /// <summary>The score file; null = RUN/scores.parquet.</summary>
    public string? ScoresPath { get; init; }

    public int ScoreBatchSize { get; init; } = 32;

    /// <summary>null = the method's own strategy.</summary>
    public SelectionStrategy? Strategy { get; init; }

    /// <summary>null = the method's own number of length bins.</summary>
    public int? Bins { get; init; }

    /// <summary>null = the length the method's bins cut on by default.</summary>
    public BinLength? BinBy { get; init; }

    /// <summary>How the length bins share the scored budget; null = the method's default.</summary>
    public BinWeights? BinWeights { get; init; }

    /// <summary>What fills Score+Random's random share; null = the method's default.</summary>
    public ShareFill? ShareFill { get; init; }

    /// <summary>Score+Random's share of the budget drawn from the base set; null = the paper's half.</summary>
    public double? RandomShare { get; init; }

    /// <summary>The score column ranked by (ToV: a φ column; default the file's score).</summary>
    public string Column { get; init; } = "score";

    /// <summary>Selection seed; null = the fit's seed.</summary>
    public int? SelectionSeed { get; init; }
}
