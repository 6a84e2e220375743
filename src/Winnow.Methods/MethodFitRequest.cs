using Winnow.Core.Data;

namespace Winnow.Methods;

/// <summary>What fit needs. <see cref="Settings"/> carries method-specific options as text (CLI <c>--set key=value</c>, study configs).</summary>
public sealed record MethodFitRequest(IReadOnlyList<string> Target, IReadOnlyList<string> Pool, string RunDirectory)
{
    public string? Model { get; init; }
    public TaskKind Kind { get; init; } = TaskKind.Instruction;
    public string? LabelMap { get; init; }

    /// <summary>Columns of target and pool data in another schema; recorded in the run, so score and select read the pool the same way.</summary>
    public FieldMapping? Fields { get; init; }

    public int Seed { get; init; }

    /// <summary>Replace a run folder made from other inputs instead of refusing.</summary>
    public bool Force { get; init; }

    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
