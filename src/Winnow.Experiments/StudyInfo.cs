namespace Winnow.Experiments;

/// <summary>What a results folder holds about its study (<c>study.json</c>), written when the run starts.</summary>
public sealed record StudyInfo(
    string Name,
    string Task,
    string ConfigHash,
    string ConfigPath,
    IReadOnlyList<string> Methods,
    IReadOnlyList<int> Budgets,
    IReadOnlyList<int> Seeds,
    IReadOnlyDictionary<string, int> PoolSizes,
    int TargetSize,
    int TestSize,
    string BaseModel,
    string Machine,
    string Started)
{
    /// <summary>The ablation variants (empty for studies without one, and for results written before ablations existed).</summary>
    public IReadOnlyList<AblationInfo> Ablation { get; init; } = [];

    public IReadOnlyList<int> AblationBudgets { get; init; } = [];

    /// <summary>Budgets at which only random runs (<see cref="ExperimentConfig.BaselineBudgets"/>); empty without.</summary>
    public IReadOnlyList<int> BaselineBudgets { get; init; } = [];

    /// <summary>The pool sources the <c>source-filter</c> control draws from (empty for studies recorded before it was kept).</summary>
    public IReadOnlyList<string> SourceFilter { get; init; } = [];

    /// <summary><see cref="ExperimentConfig.CellsHash"/>; null for results written before it was kept.</summary>
    public string? CellsHash { get; init; }

    /// <summary>
    /// The methods' default changes (<c>Winnow.Core.Runs.DefaultChange.Id</c>) in effect when the study's first cells
    /// were made; null for results written before changes were kept, whose cells predate every change.
    /// </summary>
    public IReadOnlyList<string>? Defaults { get; init; }
}
