using System.Diagnostics;
using Microsoft.ML.Tokenizers;
using Winnow.Torch.Tokenization;

namespace Winnow.Torch.Tests.Tokenization;

public class TokenizerTrainerTests
{
    private static readonly TokenizerTrainerOptions Small = new() { VocabSize = 400 };

    [Fact]
    public void SameInputGivesIdenticalFiles()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        TokenizerTrainer.TrainAndSave(Corpus.Sentences(500), a.Path, Small);
        TokenizerTrainer.TrainAndSave(Corpus.Sentences(500), b.Path, Small);
        foreach (var name in new[] { "vocab.json", "merges.txt", "special_tokens_map.json", "tokenizer_config.json" })
            Assert.Equal(File.ReadAllBytes(a.File(name)), File.ReadAllBytes(b.File(name)));
    }

    [Fact]
    public void VocabSizeIsRespectedAndSpecialsComeFirst()
    {
        var trained = TokenizerTrainer.Train(Corpus.ZipfText(2000), Small);
        Assert.Equal(400, trained.Tokens.Count);
        Assert.Equal("<|endoftext|>", trained.Tokens[0]);
        Assert.Equal(trained.Tokens.Count, trained.Tokens.Distinct().Count());
        using var dir = new TempDir();
        var tok = trained.Save(dir.Path);
        Assert.Equal(400, tok.VocabSize);
        Assert.Equal(0, tok.Eos);
        Assert.Equal(0, tok.Bos);
        Assert.Equal(0, tok.Pad);
    }

    [Fact]
    public void StopsEarlyWhenNoPairIsFrequentEnough()
    {
        var trained = TokenizerTrainer.Train(["ab"], new TokenizerTrainerOptions { VocabSize = 1000 });
        Assert.Equal(257, trained.Tokens.Count); // 1 special + 256 bytes; "ab" occurs once, below MinPairFrequency
    }

    [Theory]
    [InlineData("Hello, world! The model's loss fell.")]
    [InlineData("  leading and trailing spaces  \n\ttabs\r\nnewlines ")]
    [InlineData("café naïve über 東京 données — “quotes” 🙂 emoji")]
    [InlineData("digits 1234567890 and symbols #$%&*()[]{}<>")]
    public void MlTokenizersBpeRoundTripsText(string text)
    {
        using var dir = new TempDir();
        TokenizerTrainer.TrainAndSave(Corpus.Sentences(300), dir.Path, Small);

        // Loaded straight through Microsoft.ML.Tokenizers, not only through Winnow's wrapper.
        var bpe = BpeTokenizer.Create(new BpeOptions(dir.File("vocab.json"), dir.File("merges.txt"))
        {
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(ByteLevel.Gpt2Regex, null),
        });
        Assert.Equal(text, bpe.Decode(bpe.EncodeToIds(text)));

        var tok = TokenizerLoader.Load(dir.Path);
        var ids = tok.Encode(text);
        Assert.Equal(text, tok.Decode(ids));
        Assert.All(ids, id => Assert.InRange(id, 0, tok.VocabSize - 1));
    }

    [Fact]
    public void LearnedMergesShortenFrequentWords()
    {
        using var dir = new TempDir();
        var tok = TokenizerTrainer.TrainAndSave(Corpus.Sentences(500), dir.Path, Small);
        Assert.True(tok.Encode(" selection").Length <= 2, "a frequent word should be one or two tokens");
        Assert.Equal(tok.Eos!.Value, Assert.Single(tok.Encode("<|endoftext|>")));
    }

    [Fact]
    public void RobertaSpecialsForTheEncoder()
    {
        using var dir = new TempDir();
        var tok = TokenizerTrainer.TrainAndSave(Corpus.Sentences(200), dir.Path,
            Small with { Specials = SpecialTokens.Roberta });
        Assert.Equal(0, tok.Bos);
        Assert.Equal(0, tok.Cls);
        Assert.Equal(1, tok.Pad);
        Assert.Equal(2, tok.Eos);
        Assert.Equal(2, tok.Sep);
        Assert.Equal(3, tok.Unk);
        Assert.Equal(4, tok.Mask);
    }

    [Fact]
    public void ThousandsOfMergesOnMegabytesTakeSeconds()
    {
        var texts = Corpus.ZipfText(20_000).ToList(); // ≈ 1.7 MB, ~20k distinct words
        var watch = Stopwatch.StartNew();
        var trained = TokenizerTrainer.Train(texts, new TokenizerTrainerOptions { VocabSize = 4096 });
        watch.Stop();
        Assert.Equal(4096, trained.Tokens.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"training took {watch.Elapsed}");
    }
}
