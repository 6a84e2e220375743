using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>Convenience queries over <see cref="IPretrainedModel"/>.</summary>
public static class PretrainedModelExtensions
{
    /// <summary>The dtype of the model's floating-point weights.</summary>
    public static ScalarType DType(this IPretrainedModel model) =>
        model.Module.parameters().Select(p => p.dtype).FirstOrDefault(ScalarType.Float32);

    /// <summary>Parameters an optimizer should update: after <see cref="Lora.Apply"/> only adapters (and a token classifier's head).</summary>
    public static IReadOnlyList<TorchSharp.Modules.Parameter> TrainableParameters(this IPretrainedModel model) =>
        model.Module.parameters().Where(p => p.requires_grad).ToList();

    public static long ParameterCount(this IPretrainedModel model, bool trainableOnly = false) =>
        model.Module.parameters().Where(p => !trainableOnly || p.requires_grad).Sum(p => p.numel());
}
