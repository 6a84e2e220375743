using System.Text.Json.Serialization;

namespace Winnow.Torch.Methods.Tov;

/// <summary>One epoch of a fit as the manifest records it.</summary>
/// <param name="Epoch">k, from 0.</param>
/// <param name="LearningRate">η_k: the scheduled rate at the start of the base epoch.</param>
/// <param name="ValidationLearningRate">ε·η_k, the fixed rate of the validation pass.</param>
public sealed record TovEpochRecord(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("learning_rate")] double LearningRate,
    [property: JsonPropertyName("validation_learning_rate")] double ValidationLearningRate,
    [property: JsonPropertyName("base_loss")] double BaseLoss,
    [property: JsonPropertyName("validation_loss")] double ValidationLoss,
    [property: JsonPropertyName("seconds")] double Seconds);
