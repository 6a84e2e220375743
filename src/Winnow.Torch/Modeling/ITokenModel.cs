using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// A model that gives the log-probability of the gold target at every position: the primitive the loss,
/// evaluation, ToV, uncertainty and LESS are all built on.
/// </summary>
public interface ITokenModel
{
    /// <summary>[B, T] float32 log p(target_t | input), 0 where <see cref="Batch.TargetMask"/> is false.</summary>
    Tensor TargetLogProbs(Batch batch);
}
