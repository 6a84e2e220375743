using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// A <see cref="ITokenModel"/> whose forward pass can be cut between transformer blocks: the hidden state entering
/// block k, then the rest of the pass from it. Scoring several adapter states that differ only in the top blocks runs
/// the bottom ones once (<see cref="Evaluation.MultiStateTokenScorer"/>).
/// </summary>
public interface ILayeredTokenModel : ITokenModel
{
    /// <summary>The number of transformer blocks.</summary>
    int LayerCount { get; }

    /// <summary>The hidden states [B, T, H] entering block <paramref name="layer"/> (0: the embeddings' output).</summary>
    Tensor HiddenBefore(Batch batch, int layer);

    /// <summary>
    /// <see cref="ITokenModel.TargetLogProbs"/> from <paramref name="hidden"/>, the states entering block
    /// <paramref name="layer"/>: blocks <paramref name="layer"/>.. then the head.
    /// </summary>
    Tensor TargetLogProbsFrom(Tensor hidden, Batch batch, int layer);
}
