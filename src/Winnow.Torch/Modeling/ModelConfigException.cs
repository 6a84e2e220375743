namespace Winnow.Torch.Modeling;

/// <summary>A model configuration that cannot describe a model Winnow can build.</summary>
public sealed class ModelConfigException(string message) : Exception(message);
