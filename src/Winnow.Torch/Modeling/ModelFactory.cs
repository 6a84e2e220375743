using TorchSharp;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>Builds a freshly initialised model of the family a config describes.</summary>
public static class ModelFactory
{
    /// <summary>
    /// Deterministic for a given <paramref name="seed"/>: initialisation draws from a private generator, never
    /// the global one. The model is built in float32 and converted when <paramref name="dtype"/> says otherwise.
    /// </summary>
    public static IPretrainedModel Create(IModelConfig config, long seed = 0, ScalarType dtype = ScalarType.Float32)
    {
        config.Validate();
        ModelMemory.EnsureFits(config, ModelMemory.Available());
        using var generator = new Generator((ulong)seed, CPU);
        IPretrainedModel model = config switch
        {
            LlamaConfig llama => new LlamaForCausalLM(llama, generator),
            BertConfig { Head: ModelFamily.MaskedLm } bert => new BertForMaskedLM(bert, generator),
            BertConfig bert => new BertForTokenClassification(bert, generator),
            _ => throw new ModelConfigException($"No model for config type {config.GetType().Name}."),
        };
        if (dtype != ScalarType.Float32) model.Module.to(dtype);
        return model;
    }
}
