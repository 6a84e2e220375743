namespace Winnow.Core.Selection;

/// <summary>
/// Which length the selection's equal-count length bins cut on. The bins exist because φ is a mean over a row's
/// predicted tokens, so short rows have noisy, extreme means (the ToV paper); for instruction rows the predicted
/// tokens are the completion only, whose length can be unrelated to the whole row's (docs/tov-defaults.md,
/// "Length bins on predicted tokens").
/// </summary>
public enum BinLength
{
    /// <summary>Tokens the model reads (prompt and completion; for NER every token).</summary>
    Tokens,

    /// <summary>Predicted tokens, what the row's loss and φ average over (the completion, for instruction tuning).</summary>
    Predicted,
}
