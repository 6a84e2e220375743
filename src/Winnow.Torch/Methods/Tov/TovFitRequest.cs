using Winnow.Core.Data;

namespace Winnow.Torch.Methods.Tov;

/// <summary>Inputs of a ToV fit.</summary>
public sealed record TovFitRequest(string Model, IReadOnlyList<string> Target, IReadOnlyList<string> Pool, string RunDirectory)
{
    public TovFitOptions Options { get; init; } = new();

    /// <summary>NER label-map file applied when reading target and pool.</summary>
    public string? LabelMap { get; init; }

    /// <summary>Columns of target and pool data in another schema (recorded in the manifest).</summary>
    public FieldMapping? Fields { get; init; }

    /// <summary>Replaces a run folder made from other inputs instead of refusing.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Whether an NER fit runs the pool-kinship test (<see cref="Core.Selection.PoolKinship"/>; one embedding pass over
    /// the pool) for the selection's <c>bin_weights</c>. Off for the probe fits of auto and auto_aggregate, whose score
    /// files rank probes and are never selected from with it, and for an ensemble's further fits, whose score file is
    /// the first's.
    /// </summary>
    public bool MeasureKinship { get; init; } = true;
}
