using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// A padded batch in the one shape every Winnow model, trainer and scorer shares.
/// <list type="bullet">
/// <item><c>InputIds</c> [B, T] int64 token ids (padding anywhere the attention mask is 0).</item>
/// <item><c>AttentionMask</c> [B, T] int64, 1 for real tokens.</item>
/// <item><c>Targets</c> [B, T] int64: what position t must predict. Causal LM: the next token id
/// (already shifted, so position t predicts <c>Targets[t]</c>); NER: the word's label id at its first
/// sub-token; masked LM: the original token id at masked positions. Any value where <c>TargetMask</c> is 0.</item>
/// <item><c>TargetMask</c> [B, T] bool: the positions that count in the loss (response tokens, first
/// sub-tokens, masked positions). Paper Eq. 7 averages over exactly these.</item>
/// </list>
/// The tensors belong to the caller's dispose scope.
/// </summary>
public sealed record Batch(Tensor InputIds, Tensor AttentionMask, Tensor Targets, Tensor TargetMask)
{
    public long Size => InputIds.shape[0];
    public long Length => InputIds.shape[1];
}
