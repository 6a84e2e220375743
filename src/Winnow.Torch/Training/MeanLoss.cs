using static TorchSharp.torch;

namespace Winnow.Torch.Training;

/// <summary>
/// A batch's Eq. 7 loss. <see cref="ExcludedExamples"/> counts examples with no predicted position, which have no
/// loss and are left out; when <see cref="IncludedExamples"/> is 0 the value is 0 and carries no gradient signal.
/// </summary>
public sealed record MeanLoss(Tensor Value, long IncludedExamples, long ExcludedExamples);
