namespace Winnow.Torch.Tokenization;

/// <summary>Options for <see cref="TokenizerTrainer"/>.</summary>
public sealed record TokenizerTrainerOptions
{
    /// <summary>Final vocabulary size including the 256 byte tokens and the special tokens. 4096 keeps a tiny model's output layer cheap.</summary>
    public int VocabSize { get; init; } = 4096;

    /// <summary>Pairs seen fewer times than this are never merged (training may then stop below <see cref="VocabSize"/>).</summary>
    public int MinPairFrequency { get; init; } = 2;

    /// <summary>
    /// Special tokens, given ids 0..k-1 ahead of the bytes. Default <see cref="SpecialTokens.Gpt2"/> (causal LM);
    /// use <see cref="SpecialTokens.Roberta"/> for the NER / masked-LM encoder.
    /// </summary>
    public SpecialTokens Specials { get; init; } = SpecialTokens.Gpt2;

    public void Validate()
    {
        int minimum = 256 + Specials.Distinct().Count;
        if (VocabSize < minimum)
            throw new ArgumentOutOfRangeException(nameof(VocabSize), VocabSize, $"VocabSize must be at least {minimum} (256 bytes + special tokens).");
        ArgumentOutOfRangeException.ThrowIfLessThan(MinPairFrequency, 1, nameof(MinPairFrequency));
    }
}
