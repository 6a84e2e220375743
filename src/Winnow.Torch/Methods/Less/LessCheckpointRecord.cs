using System.Text.Json.Serialization;

namespace Winnow.Torch.Methods.Less;

/// <summary>One warm-up checkpoint as the manifest records it.</summary>
/// <param name="MeanLearningRate">η̄_i: the mean scheduled rate over the epoch's optimizer steps.</param>
public sealed record LessCheckpointRecord(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("mean_learning_rate")] double MeanLearningRate,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("steps")] int Steps);
