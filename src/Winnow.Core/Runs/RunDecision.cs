namespace Winnow.Core.Runs;

/// <summary>What a fit does with the run folder it was given (<see cref="RunStore.Check"/>).</summary>
public enum RunDecision
{
    /// <summary>No run there: fit from scratch.</summary>
    Fresh,

    /// <summary>A run of the same inputs: reuse it when complete; otherwise continue it (ToV) or redo it.</summary>
    Same,

    /// <summary>A run of other inputs, and --force: remove its files, then fit from scratch.</summary>
    Replace,
}
