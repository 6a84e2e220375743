namespace Winnow.Torch.Evaluation;

/// <summary>Batches and examples done so far.</summary>
public sealed record EvaluationProgress(int Batches, int Examples);
