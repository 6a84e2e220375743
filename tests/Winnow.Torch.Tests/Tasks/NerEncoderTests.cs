using Winnow.Core.Data;
using Winnow.Torch.Tasks;

namespace Winnow.Torch.Tests.Tasks;

public class NerEncoderTests
{
    private static readonly NerExample Sentence = new("s1", "test",
        ["Berlin", "and", "Paris", "host", "winnow", "données"],
        ["B-LOC", "O", "B-LOC", "O", "B-ORG", "I-ORG"]);

    [Fact]
    public void OneTargetPerWordAtItsFirstSubToken()
    {
        var tok = Tokenizers.Encoder;
        var labels = LabelSet.FromTags(Sentence.Tags);
        var e = new NerEncoder(tok, labels).Encode(Sentence).Example!;
        var pieces = tok.EncodeWords(Sentence.Tokens);

        Assert.Equal([tok.Cls!.Value, .. pieces.SelectMany(p => p), tok.Sep!.Value], e.InputIds);
        Assert.Equal(Sentence.Tokens.Count, e.PredictedCount);
        int position = 1;
        for (int w = 0; w < pieces.Length; w++)
        {
            Assert.True(e.TargetMask[position]);
            Assert.Equal(labels.IdOf(Sentence.Tags[w]), e.Targets[position]);
            for (int k = 1; k < pieces[w].Length; k++) Assert.False(e.TargetMask[position + k]);
            position += pieces[w].Length;
        }
        Assert.False(e.TargetMask[0]);
        Assert.False(e.TargetMask[^1]);
    }

    [Fact]
    public void ByteLevelWordsCarryTheirLeadingSpace()
    {
        var tok = Tokenizers.Encoder;
        var pieces = tok.EncodeWords(["the", "model", "data"]);
        Assert.Equal(tok.Encode("the model data"), pieces.SelectMany(p => p).ToArray());
    }

    [Fact]
    public void TruncationDropsTrailingWordsAndCountsThem()
    {
        var tok = Tokenizers.Encoder;
        var pieces = tok.EncodeWords(Sentence.Tokens);
        int maxLength = 2 + pieces[0].Length + pieces[1].Length;
        var result = new NerEncoder(tok, LabelSet.FromTags(Sentence.Tags), new NerEncodingOptions { MaxLength = maxLength }).Encode(Sentence);
        Assert.Equal(2, result.Example!.PredictedCount);
        Assert.Equal(4, result.Dropped);
        Assert.Equal(maxLength, result.Example.Length);
    }

    [Fact]
    public void UnknownTagIsSkippedWithAReason()
    {
        var result = new NerEncoder(Tokenizers.Encoder, LabelSet.FromTags(["O", "B-PER"])).Encode(Sentence);
        Assert.False(result.IsEncoded);
        Assert.Contains("B-LOC", result.SkipReason);
    }

    [Fact]
    public void LabelSetIsStableCompleteAndRoundTrips()
    {
        var a = LabelSet.FromTags(["I-PER", "O", "B-LOC", "B-PER", "O"]);
        var b = LabelSet.FromTags(["B-PER", "B-LOC", "O"]);
        Assert.Equal(["O", "B-LOC", "I-LOC", "B-PER", "I-PER"], a.Labels);
        Assert.Equal(a.Labels, b.Labels);

        string path = Path.GetTempFileName();
        try
        {
            a.Save(path);
            Assert.Equal(a.Labels, LabelSet.Load(path).Labels);
            Assert.Contains("\"id2label\"", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
