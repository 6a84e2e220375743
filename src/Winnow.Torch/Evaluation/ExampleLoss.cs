namespace Winnow.Torch.Evaluation;

/// <summary>
/// One example's Eq. 7 loss: the mean −log p over its <paramref name="PredictedTokens"/> predicted positions.
/// NaN when it has none (it then has no loss and is left out of every mean).
/// </summary>
public sealed record ExampleLoss(int Index, string? Id, double Loss, int PredictedTokens);
