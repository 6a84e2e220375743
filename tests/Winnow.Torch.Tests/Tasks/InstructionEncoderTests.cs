using Winnow.Core.Data;
using Winnow.Torch.Tasks;

namespace Winnow.Torch.Tests.Tasks;

public class InstructionEncoderTests
{
    private static InstructionExample Example(string prompt, string completion) => new("ex1", "test", prompt, completion);

    [Fact]
    public void MaskCoversExactlyTheCompletionAndEos()
    {
        var tok = Tokenizers.Lm;
        var result = new InstructionEncoder(tok).Encode(Example("Translate to French: the model", " le modèle"));
        var e = Assert.IsType<EncodedExample>(result.Example);
        int[] prompt = tok.Encode("Translate to French: the model"), completion = tok.Encode(" le modèle");

        Assert.Equal([tok.Bos!.Value, .. prompt, .. completion, tok.Eos!.Value], e.InputIds);
        Assert.Equal(completion.Length + 1, e.PredictedCount);
        for (int t = 0; t < e.Length; t++)
        {
            bool nextIsResponse = t + 1 >= 1 + prompt.Length && t + 1 < e.Length;
            Assert.Equal(nextIsResponse, e.TargetMask[t]);
            if (t + 1 < e.Length) Assert.Equal(e.InputIds[t + 1], e.Targets[t]);
        }
        var predicted = e.Targets.Where((_, t) => e.TargetMask[t]).ToArray();
        Assert.Equal(tok.Eos.Value, predicted[^1]);
        Assert.Equal(" le modèle", tok.Decode(predicted[..^1]));
        Assert.False(e.TargetMask[^1]);
    }

    [Fact]
    public void LongPromptIsCutFromTheLeftKeepingTheCompletion()
    {
        var tok = Tokenizers.Lm;
        string prompt = string.Join(' ', Enumerable.Repeat("the data pool target", 50));
        var result = new InstructionEncoder(tok, new InstructionEncodingOptions { MaxLength = 32 }).Encode(Example(prompt, " loss"));
        var e = result.Example!;
        int[] completion = tok.Encode(" loss");
        Assert.Equal(32, e.Length);
        Assert.Equal(tok.Bos, e.InputIds[0]);
        Assert.Equal(tok.Encode(prompt)[^(32 - 2 - completion.Length)..], e.InputIds[1..^(completion.Length + 1)]);
        Assert.Equal(completion.Length + 1, e.PredictedCount);
        Assert.Equal(tok.Encode(prompt).Length - (32 - 2 - completion.Length), result.Dropped);
    }

    [Fact]
    public void TooLongCompletionIsCutFromTheRightAfterSomePrompt()
    {
        var tok = Tokenizers.Lm;
        string completion = string.Join(' ', Enumerable.Repeat("winnow selection", 60));
        var options = new InstructionEncodingOptions { MaxLength = 40, MinPromptTokens = 4 };
        var e = new InstructionEncoder(tok, options).Encode(Example("Hello, world! it's the model", completion)).Example!;
        Assert.Equal(40, e.Length);
        Assert.Equal(tok.Encode("Hello, world! it's the model")[^4..], e.InputIds[1..5]);
        Assert.Equal(tok.Encode(completion)[..35], e.InputIds[5..]);
        Assert.DoesNotContain(tok.Eos!.Value, e.InputIds[1..]);
        Assert.Equal(35, e.PredictedCount); // each kept completion token, the first predicted from the last prompt token
    }

    [Fact]
    public void NothingToPredictIsSkippedWithAReason()
    {
        var result = new InstructionEncoder(Tokenizers.Lm, new InstructionEncodingOptions { AddEos = false })
            .Encode(Example("a prompt", ""));
        Assert.False(result.IsEncoded);
        Assert.Contains("nothing to predict", result.SkipReason);
    }

    [Fact]
    public void CausalLmPredictsEveryPositionButTheLast()
    {
        var tok = Tokenizers.Lm;
        var e = new CausalLmEncoder(tok).Encode("doc", "the model data selection").Example!;
        Assert.Equal(e.Length - 1, e.PredictedCount);
        Assert.False(e.TargetMask[^1]);
        Assert.Equal(e.InputIds[1..], e.Targets[..^1]);

        var packed = new CausalLmEncoder(tok, new CausalLmEncodingOptions { MaxLength = 16 })
            .Pack(Tests.Tokenization.Corpus.Sentences(50)).ToList();
        Assert.All(packed[..^1], w => Assert.Equal(16, w.Length));
        Assert.Equal(packed.Count, packed.Select(w => w.Id).Distinct().Count());
    }
}
