using System.Text;
using Winnow.Torch.Tokenization;

namespace Winnow.Torch.Tests.Tokenization;

public class TokenizerLoaderTests
{
    private static readonly string[] BertVocab =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "model", "##s", "data", "win", "##now", ".", ","];

    [Fact]
    public void VocabTxtLoadsAsBertWithLowerCasingFromConfig()
    {
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("vocab.txt"), BertVocab);
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"do_lower_case": true}""");
        var tok = TokenizerLoader.Load(dir.Path);

        Assert.Equal(TokenizerKind.WordPiece, tok.Kind);
        Assert.Equal(BertVocab.Length, tok.VocabSize);
        Assert.Equal([5, 6, 7, 8, 9, 10, 11], tok.Encode("The Models data Winnow."));
        Assert.Equal((0, 1, 2, 3, 4), (tok.Pad, tok.Unk, tok.Cls, tok.Sep, tok.Mask));
        Assert.Equal([[9, 10], [6, 7]], tok.EncodeWords(["winnow", "models"]));
        Assert.Equal(1, Assert.Single(tok.Encode("zebra")));
    }

    [Fact]
    public void VocabTxtWithoutLowerCasingKeepsCase()
    {
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("vocab.txt"), BertVocab);
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"do_lower_case": false}""");
        var tok = TokenizerLoader.Load(dir.Path);
        Assert.Equal([tok.Unk!.Value, 6], tok.Encode("The model"));
    }

    [Fact]
    public void SpecialTokensComeFromSpecialTokensMap()
    {
        using var dir = new TempDir();
        TokenizerTrainer.TrainAndSave(Corpus.Sentences(100), dir.Path,
            new TokenizerTrainerOptions { VocabSize = 300, Specials = SpecialTokens.Roberta });
        // Remap roles: the map wins over tokenizer_config.json and over conventional names.
        File.WriteAllText(dir.File("special_tokens_map.json"), """{"eos_token": {"content": "<s>"}, "pad_token": "<unk>"}""");
        var tok = TokenizerLoader.Load(dir.Path);
        Assert.Equal(0, tok.Eos);
        Assert.Equal(3, tok.Pad);
        Assert.Equal(4, tok.Mask); // still from tokenizer_config.json
    }

    [Fact]
    public void SaveWritesFilesThatLoadBackTheSame()
    {
        using var dir = new TempDir();
        var tok = TokenizerTrainer.TrainAndSave(Corpus.Sentences(100), dir.Path, new TokenizerTrainerOptions { VocabSize = 300 });
        string copy = dir.Sub("copy");
        tok.Save(copy);
        var again = TokenizerLoader.Load(copy);
        const string text = "the model's data, café 東京";
        Assert.Equal(tok.Encode(text), again.Encode(text));
        Assert.Equal((tok.Bos, tok.Eos, tok.Pad, tok.VocabSize), (again.Bos, again.Eos, again.Pad, again.VocabSize));

        using var bert = new TempDir();
        File.WriteAllLines(bert.File("vocab.txt"), BertVocab);
        TokenizerLoader.Load(bert.Path).Save(bert.Sub("copy"));
        Assert.Equal([5, 6], TokenizerLoader.Load(bert.Sub("copy")).Encode("the model"));
    }

    [Fact]
    public void TiktokenFileLoads()
    {
        using var dir = new TempDir();
        var lines = Enumerable.Range(0, 256).Select(b => $"{Convert.ToBase64String([(byte)b])} {b}").ToList();
        string[] merges = ["th", "the", " t", " the"];
        for (int i = 0; i < merges.Length; i++) lines.Add($"{Convert.ToBase64String(Encoding.UTF8.GetBytes(merges[i]))} {256 + i}");
        File.WriteAllLines(dir.File("tiny.tiktoken"), lines);
        File.WriteAllText(dir.File("tokenizer_config.json"),
            """{"eos_token": "<|endoftext|>", "added_tokens_decoder": {"260": {"content": "<|endoftext|>", "special": true}}}""");
        var tok = TokenizerLoader.Load(dir.Path);

        Assert.Equal(TokenizerKind.Tiktoken, tok.Kind);
        Assert.Equal(261, tok.VocabSize);
        Assert.Equal(260, tok.Eos);
        Assert.Equal([257, 259], tok.Encode("the the"));
        Assert.Equal("the the", tok.Decode(tok.Encode("the the")));
        Assert.Equal([[257], [259]], tok.EncodeWords(["the", "the"]));
    }

    [Fact]
    public void TokenizerJsonByteLevelBpeLoads()
    {
        using var trained = new TempDir();
        TokenizerTrainer.TrainAndSave(Corpus.Sentences(100), trained.Path, new TokenizerTrainerOptions { VocabSize = 300 });
        var expected = TokenizerLoader.Load(trained.Path);

        using var dir = new TempDir();
        string vocab = File.ReadAllText(trained.File("vocab.json"));
        var merges = File.ReadAllLines(trained.File("merges.txt")).Skip(1)
            .Select(l => $"[\"{l.Split(' ')[0].Replace("\"", "\\\"")}\", \"{l.Split(' ')[1].Replace("\"", "\\\"")}\"]");
        File.WriteAllText(dir.File("tokenizer.json"),
            $$$"""{"added_tokens": [{"id": 0, "content": "<|endoftext|>", "special": true}], "pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": {{{vocab}}}, "merges": [{{{string.Join(",", merges)}}}]}}""");
        var tok = TokenizerLoader.Load(dir.Path);

        Assert.Equal(TokenizerKind.ByteLevelBpe, tok.Kind);
        const string text = "the model data selection, naïve.";
        Assert.Equal(expected.Encode(text), tok.Encode(text));
        Assert.Equal(0, tok.Eos);
    }

    [Fact]
    public void TokenizerJsonWordPieceAndWordLevelLoad()
    {
        using var wp = new TempDir();
        string vocab = "{" + string.Join(",", BertVocab.Select((t, i) => $"\"{t}\": {i}")) + "}";
        File.WriteAllText(wp.File("tokenizer.json"),
            $$$"""{"normalizer": {"type": "BertNormalizer", "lowercase": true}, "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "vocab": {{{vocab}}}}}""");
        var wordPiece = TokenizerLoader.Load(wp.Path);
        Assert.Equal([5, 6, 7], wordPiece.Encode("The models"));
        Assert.Equal(2, wordPiece.Cls);

        using var wl = new TempDir();
        File.WriteAllText(wl.File("tokenizer.json"),
            """{"model": {"type": "WordLevel", "unk_token": "<unk>", "vocab": {"<unk>": 0, "<pad>": 1, "hello": 2, "world": 3, "!": 4}}}""");
        var wordLevel = TokenizerLoader.Load(wl.Path);
        Assert.Equal([2, 3, 4, 0], wordLevel.Encode("hello world! worlds"));
        Assert.Equal(1, wordLevel.Pad);
    }

    [Fact]
    public void UnsupportedTokenizerJsonNamesWhatIsSupported()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("tokenizer.json"), """{"model": {"type": "Unigram", "vocab": [["a", -1.0]]}}""");
        var e = Assert.Throws<TokenizerException>(() => TokenizerLoader.Load(dir.Path));
        Assert.Contains("Unigram", e.Message);
        Assert.Contains("WordPiece", e.Message);
        Assert.Contains(dir.Path, e.Message);
    }

    [Fact]
    public void EmptyOrMissingFolderIsAClearError()
    {
        using var dir = new TempDir();
        var empty = Assert.Throws<TokenizerException>(() => TokenizerLoader.Load(dir.Path));
        Assert.Contains(dir.Path, empty.Message);
        Assert.Contains("vocab.json + merges.txt", empty.Message);
        Assert.Contains("tokenizer.model", empty.Message);

        var missing = Assert.Throws<TokenizerException>(() => TokenizerLoader.Load(dir.Sub("nope")));
        Assert.Contains("does not exist", missing.Message);
    }

    [Fact]
    public void BrokenFilesAreReportedWithTheFolder()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("vocab.json"), "{ not json");
        File.WriteAllText(dir.File("merges.txt"), "#version: 0.2\n");
        var e = Assert.Throws<TokenizerException>(() => TokenizerLoader.Load(dir.Path));
        Assert.Contains(dir.Path, e.Message);
    }
}
