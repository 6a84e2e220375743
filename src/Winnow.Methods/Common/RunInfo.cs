using Winnow.Core.Data;
using Winnow.Core.Scoring;

namespace Winnow.Methods.Common;

/// <summary>What the shared stages need to know about any run folder, ToV's or another method's.</summary>
/// <param name="Method">The registered method name.</param>
/// <param name="Fingerprint">The run's input fingerprint (written into its score files).</param>
/// <param name="PoolHash">Hash of the pool the run was fitted on.</param>
public sealed record RunInfo(string Method, TaskKind Kind, string? LabelMap, string Fingerprint, string PoolHash)
{
    /// <summary>The field mapping the run read its data with (<see cref="FieldMapping"/> text), null without one.</summary>
    public string? Fields { get; init; }

    /// <summary>The score-file footer key that carries this run's fingerprint (its schema's own, or the shared one).</summary>
    public string FingerprintKey { get; init; } = ScoreFile.FingerprintKey;

    /// <summary>The score-file footer key that carries the scored pool's hash.</summary>
    public string PoolHashKey { get; init; } = ScoreFile.PoolHashKey;

    /// <summary>How the pool must be read for selection so rows line up with the score file.</summary>
    public ReadOptions ReadOptions => RunReadOptions.For(Kind, LabelMap, Fields);
}
