namespace Winnow.Torch.Training;

/// <summary>Adam's state for one parameter: first moment m, second moment v (flattened, row-major) and its step count.</summary>
public sealed record AdamMoments(string Name, long[] Shape, long Step, float[] ExpAvg, float[] ExpAvgSq);
