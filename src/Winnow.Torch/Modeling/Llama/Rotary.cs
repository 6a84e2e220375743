using static TorchSharp.torch;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Modeling;

/// <summary>
/// Rotary position embeddings in Hugging Face's "rotate_half" layout: the head's first and second halves
/// form the (real, imaginary) pairs, not interleaved neighbours as in the original Meta code.
/// </summary>
public static class Rotary
{
    /// <summary>cos and sin tables [B,1,T,D] for integer positions [B,T].</summary>
    public static (Tensor Cos, Tensor Sin) CosSin(Tensor positions, int headDim, double theta, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var exponents = arange(SafeScalars.Zero, SafeScalars.Of(headDim), SafeScalars.Of(2L), dtype: ScalarType.Int64, device: positions.device).to_type(ScalarType.Float32).div(SafeScalars.Of((double)headDim));
        var invFreq = pow(theta, exponents).reciprocal();
        var freqs = positions.to_type(ScalarType.Float32).unsqueeze(-1) * invFreq;
        var angles = cat([freqs, freqs], -1).unsqueeze(1);
        var cos = angles.cos().to_type(dtype);
        var sin = angles.sin().to_type(dtype);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>x·cos + rotate_half(x)·sin for x [B,H,T,D].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        return (x * cos).Plus(RotateHalf(x) * sin).MoveToOuterDisposeScope();
    }

    public static Tensor RotateHalf(Tensor x)
    {
        using var scope = NewDisposeScope();
        long half = x.shape[^1] / 2;
        var first = x.narrow(-1, 0, half);
        var second = x.narrow(-1, half, half);
        return cat([second.neg(), first], -1).MoveToOuterDisposeScope();
    }

    /// <summary>Positions counted over real tokens only, so a left-padded sequence is numbered like an unpadded one.</summary>
    public static Tensor PositionsFromMask(Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        return attentionMask.to_type(ScalarType.Int64).cumsum(1).sub(SafeScalars.One).clamp_min(SafeScalars.Zero).MoveToOuterDisposeScope();
    }
}
