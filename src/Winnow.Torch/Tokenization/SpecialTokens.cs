namespace Winnow.Torch.Tokenization;

/// <summary>The special-token strings of a tokenizer, by role; null where the tokenizer has none.</summary>
public sealed record SpecialTokens(
    string? Bos = null, string? Eos = null, string? Pad = null, string? Unk = null,
    string? Cls = null, string? Sep = null, string? Mask = null)
{
    /// <summary>GPT-2 style causal LM: one token ends documents and doubles as bos and pad.</summary>
    public static SpecialTokens Gpt2 { get; } = new(Bos: "<|endoftext|>", Eos: "<|endoftext|>", Pad: "<|endoftext|>");

    /// <summary>RoBERTa style encoder: the byte-level BPE encoder convention (cls = bos, sep = eos).</summary>
    public static SpecialTokens Roberta { get; } =
        new(Bos: "<s>", Eos: "</s>", Pad: "<pad>", Unk: "<unk>", Cls: "<s>", Sep: "</s>", Mask: "<mask>");

    /// <summary>BERT WordPiece convention.</summary>
    public static SpecialTokens Bert { get; } =
        new(Pad: "[PAD]", Unk: "[UNK]", Cls: "[CLS]", Sep: "[SEP]", Mask: "[MASK]");

    /// <summary>(HF config key, token) for each role that is set, in a fixed order.</summary>
    public IEnumerable<(string Key, string Token)> ByConfigKey()
    {
        if (Bos is not null) yield return ("bos_token", Bos);
        if (Eos is not null) yield return ("eos_token", Eos);
        if (Unk is not null) yield return ("unk_token", Unk);
        if (Sep is not null) yield return ("sep_token", Sep);
        if (Pad is not null) yield return ("pad_token", Pad);
        if (Cls is not null) yield return ("cls_token", Cls);
        if (Mask is not null) yield return ("mask_token", Mask);
    }

    /// <summary>Distinct token strings in a fixed order (the order the trainer assigns ids in).</summary>
    public IReadOnlyList<string> Distinct() =>
        new[] { Bos, Pad, Eos, Unk, Cls, Sep, Mask }.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>This record with every role set in <paramref name="other"/> taking <paramref name="other"/>'s value.</summary>
    public SpecialTokens OverriddenBy(SpecialTokens other) => new(
        other.Bos ?? Bos, other.Eos ?? Eos, other.Pad ?? Pad, other.Unk ?? Unk,
        other.Cls ?? Cls, other.Sep ?? Sep, other.Mask ?? Mask);
}
