namespace Winnow.Torch.Training;

/// <summary>An <see cref="AdamWOptimizer"/>'s whole state, in parameter order.</summary>
public sealed record AdamWState(IReadOnlyList<AdamMoments> Parameters);
