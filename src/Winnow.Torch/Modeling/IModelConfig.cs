using System.Text.Json.Nodes;

namespace Winnow.Torch.Modeling;

/// <summary>A Hugging Face <c>config.json</c> Winnow understands.</summary>
public interface IModelConfig
{
    string ModelType { get; }

    /// <summary>The Hugging Face class name, e.g. <c>LlamaForCausalLM</c>.</summary>
    string Architecture { get; }

    ModelFamily Family { get; }

    /// <summary>"float32", "float16" or "bfloat16": the dtype the weights were saved in.</summary>
    string TorchDType { get; }

    int VocabSize { get; }

    /// <summary>The number of transformer blocks.</summary>
    int NumHiddenLayers { get; }

    JsonObject ToJson();

    /// <summary>Throws <see cref="ModelConfigException"/> when the numbers cannot make a model.</summary>
    void Validate();
}
