using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Modeling;

/// <summary>Root-mean-square norm as Llama uses it: normalise in float32, then scale in the weight's dtype.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private Parameter weight;

    // Held by the module, not an implicit temporary per forward (see SafeScalars).
    private readonly Scalar _eps;

    public RmsNorm(long dim, double eps) : base(nameof(RmsNorm))
    {
        weight = new Parameter(ones(dim), requires_grad: true);
        _eps = SafeScalars.Owned(eps);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to_type(ScalarType.Float32);
        var normed = x32 * x32.pow(SafeScalars.Of(2L)).mean([-1L], keepdim: true).Plus(_eps).rsqrt();
        return (weight * normed.to_type(x.dtype)).MoveToOuterDisposeScope();
    }
}
