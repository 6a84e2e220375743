namespace Winnow.Torch.Modeling;

/// <summary>
/// Translates between Winnow's in-memory names (always <c>bert.</c> and <c>cls.predictions.</c>) and a
/// checkpoint's names: identical for BERT, renamed for RoBERTa (<c>roberta.</c>, <c>lm_head.*</c>).
/// </summary>
public static class BertKeys
{
    private static readonly (string Ours, string Roberta)[] RobertaRenames =
    [
        ("bert.", "roberta."),
        ("cls.predictions.transform.dense.", "lm_head.dense."),
        ("cls.predictions.transform.LayerNorm.", "lm_head.layer_norm."),
        ("cls.predictions.bias", "lm_head.bias"),
    ];

    public static string ToCheckpoint(BertConfig config, string key)
    {
        if (!config.IsRoberta) return key;
        foreach (var (ours, theirs) in RobertaRenames)
            if (key.StartsWith(ours, StringComparison.Ordinal)) return theirs + key[ours.Length..];
        return key;
    }

    public static string FromCheckpoint(BertConfig config, string key)
    {
        if (!config.IsRoberta) return key;
        foreach (var (ours, theirs) in RobertaRenames)
            if (key.StartsWith(theirs, StringComparison.Ordinal)) return ours + key[theirs.Length..];
        return key;
    }
}
