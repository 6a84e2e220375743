using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Winnow.Torch.Modeling;

internal static class BertOps
{
    public static Tensor Activate(Tensor x, string activation) => activation switch
    {
        "gelu" => F.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" => F.gelu(x, GELU.Approximate.tanh),
        "relu" => F.relu(x),
        _ => throw new ModelConfigException($"hidden_act '{activation}' is not supported."),
    };
}
