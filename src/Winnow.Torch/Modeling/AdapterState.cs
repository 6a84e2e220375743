using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// An in-memory copy of a model's adapter (and LoRA-trainable head) tensors, for switching between adapter
/// states without touching the base weights or the disk.
/// </summary>
public sealed class AdapterState : IDisposable
{
    internal AdapterState(Dictionary<string, Tensor> tensors) => Tensors = tensors;

    /// <summary>By state-dict name, e.g. <c>model.layers.0.self_attn.q_proj.lora_A.weight</c>.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
