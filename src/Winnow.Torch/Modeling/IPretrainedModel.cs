using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// A model Winnow can build, load, save, adapt with LoRA and score with: one of
/// <see cref="LlamaForCausalLM"/>, <see cref="BertForTokenClassification"/> or <see cref="BertForMaskedLM"/>.
/// Check <see cref="Family"/> (or the runtime type) to tell them apart.
/// </summary>
public interface IPretrainedModel : ITokenModel, IDisposable
{
    IModelConfig Config { get; }

    ModelFamily Family { get; }

    /// <summary>The TorchSharp module itself, for <c>parameters()</c>, <c>train()</c>, <c>eval()</c>, <c>to()</c> and <c>state_dict()</c>.</summary>
    nn.Module Module { get; }

    /// <summary>
    /// State-dict prefixes of the task head (e.g. <c>classifier.</c>): allowed to be absent when a checkpoint of
    /// another head is loaded (they keep their fresh initialisation), and kept trainable under LoRA when
    /// <see cref="HeadTrainableUnderLora"/>.
    /// </summary>
    IReadOnlyList<string> HeadPrefixes { get; }

    /// <summary>True for the token classifier, whose fresh classifier must learn alongside the adapters.</summary>
    bool HeadTrainableUnderLora { get; }
}
