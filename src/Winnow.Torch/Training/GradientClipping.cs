using TorchSharp;
using TorchSharp.Modules;
using Winnow.Torch.Runtime;
using static TorchSharp.torch;

namespace Winnow.Torch.Training;

public static class GradientClipping
{
    /// <summary>
    /// The global L2 norm over all gradients (parameters without a gradient are skipped), as PyTorch's
    /// <c>clip_grad_norm_</c> computes it: the norm of the per-parameter norms.
    /// </summary>
    public static double GlobalNorm(IEnumerable<Parameter> parameters)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var norms = parameters.Select(p => p.grad).OfType<Tensor>().Select(g => g.norm(2f).to_type(ScalarType.Float32)).ToArray();
        if (norms.Length == 0) return 0.0;
        return stack(norms).norm(2f).item<float>();
    }

    /// <summary>
    /// Scales all gradients by max/(norm + 1e-6) when their global norm exceeds <paramref name="maxNorm"/>, as
    /// PyTorch does. Returns the norm before clipping; a non-finite norm is returned as is and nothing is scaled.
    /// </summary>
    public static double ClipByGlobalNorm(IReadOnlyCollection<Parameter> parameters, double maxNorm)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNorm);
        double norm = GlobalNorm(parameters);
        if (!double.IsFinite(norm)) return norm;
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient >= 1.0) return norm;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using Scalar scale = SafeScalars.Owned(coefficient); // a local, not an implicit temporary (see Runtime/SafeScalars)
        foreach (var grad in parameters.Select(p => p.grad).OfType<Tensor>()) grad.mul_(scale);
        return norm;
    }
}
