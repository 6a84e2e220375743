namespace Winnow.Torch.Experiments;

/// <summary>How many cells a run computed and how many it found finished.</summary>
public sealed record ExperimentRunSummary(string ResultsDirectory, int CellsTotal, int CellsComputed, int CellsReused);
