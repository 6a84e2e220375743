using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Winnow.Torch.Modeling;

/// <summary>SwiGLU feed-forward block (<c>mlp</c>): down(silu(gate(x)) · up(x)).</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    private nn.Module<Tensor, Tensor> gate_proj;
    private nn.Module<Tensor, Tensor> up_proj;
    private nn.Module<Tensor, Tensor> down_proj;

    public LlamaMlp(LlamaConfig config, Generator? generator) : base(nameof(LlamaMlp))
    {
        double std = config.InitializerRange;
        gate_proj = ModelingOps.Linear(config.HiddenSize, config.IntermediateSize, false, std, generator);
        up_proj = ModelingOps.Linear(config.HiddenSize, config.IntermediateSize, false, std, generator);
        down_proj = ModelingOps.Linear(config.IntermediateSize, config.HiddenSize, false, std, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return down_proj.call(F.silu(gate_proj.call(x)) * up_proj.call(x)).MoveToOuterDisposeScope();
    }
}
