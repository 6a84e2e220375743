using Winnow.Torch.Tests.Tokenization;
using Winnow.Torch.Tokenization;

namespace Winnow.Torch.Tests.Tasks;

/// <summary>Small tokenizers trained once per test run (a few hundred ms), one per special-token convention.</summary>
internal static class Tokenizers
{
    private static readonly Lazy<WinnowTokenizer> LmTokenizer = new(() => Train(SpecialTokens.Gpt2));
    private static readonly Lazy<WinnowTokenizer> EncoderTokenizer = new(() => Train(SpecialTokens.Roberta));

    public static WinnowTokenizer Lm => LmTokenizer.Value;
    public static WinnowTokenizer Encoder => EncoderTokenizer.Value;

    private static WinnowTokenizer Train(SpecialTokens specials)
    {
        using var dir = new TempDir();
        return TokenizerTrainer.TrainAndSave(Corpus.Sentences(400).Concat(Corpus.ZipfText(300)), dir.Path,
            new TokenizerTrainerOptions { VocabSize = 500, Specials = specials });
    }
}
