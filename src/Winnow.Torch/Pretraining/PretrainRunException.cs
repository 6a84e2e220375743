namespace Winnow.Torch.Pretraining;

/// <summary>Thrown when a stopped run's folder is in the way of a new one, or is being used by another process.</summary>
public sealed class PretrainRunException(string message) : Exception(message);
