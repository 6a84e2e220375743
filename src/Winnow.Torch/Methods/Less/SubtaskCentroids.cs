namespace Winnow.Torch.Methods.Less;

/// <summary>Per checkpoint i, the mean target feature of each subtask, [subtask × d] row-major.</summary>
internal sealed record SubtaskCentroids(string[] Subtasks, float[][] PerCheckpoint, int Dimension);
