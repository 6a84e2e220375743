namespace Winnow.Torch.Modeling;

/// <summary>What a load did beyond copying matching tensors.</summary>
public sealed record CheckpointLoadReport(IReadOnlyList<string> FreshlyInitialized, IReadOnlyList<string> Ignored);
