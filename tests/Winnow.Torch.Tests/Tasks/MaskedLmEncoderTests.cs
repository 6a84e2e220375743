using Winnow.Torch.Tasks;

namespace Winnow.Torch.Tests.Tasks;

public class MaskedLmEncoderTests
{
    [Fact]
    public void ProportionsMatchBertsRecipeOnALargeSample()
    {
        var tok = Tokenizers.Encoder;
        var encoder = new MaskedLmEncoder(tok);
        int textPositions = 0, chosen = 0, masked = 0, unchanged = 0;
        int i = 0;
        foreach (var text in Tests.Tokenization.Corpus.ZipfText(2000, seed: 5))
        {
            var e = encoder.Encode($"t{i++}", text).Example!;
            textPositions += e.Length - 2;
            for (int t = 0; t < e.Length; t++)
            {
                if (!e.TargetMask[t]) continue;
                chosen++;
                if (e.InputIds[t] == tok.Mask) masked++;
                else if (e.InputIds[t] == e.Targets[t]) unchanged++;
            }
            Assert.False(e.TargetMask[0]);
            Assert.False(e.TargetMask[^1]);
        }
        Assert.InRange((double)chosen / textPositions, 0.14, 0.16);
        Assert.InRange((double)masked / chosen, 0.77, 0.83);
        // random replacements may draw the original token, so "unchanged" is ≈ 10% plus a little
        Assert.InRange((double)unchanged / chosen, 0.08, 0.13);
    }

    [Fact]
    public void SameSeedIdAndEpochGiveTheSameMasking()
    {
        var tok = Tokenizers.Encoder;
        string text = "the model data selection fine-tuning target pool loss token winnow Berlin Paris";
        var a = new MaskedLmEncoder(tok).Encode("x", text).Example!;
        var b = new MaskedLmEncoder(tok).Encode("x", text).Example!;
        var c = new MaskedLmEncoder(tok).Encode("x", text, epoch: 1).Example!;
        Assert.Equal(a.InputIds, b.InputIds);
        Assert.Equal(a.TargetMask, b.TargetMask);
        Assert.True(a.PredictedCount >= 1);
        int[] original = tok.Encode(text);
        for (int t = 1; t < a.Length - 1; t++)
            Assert.Equal(original[t - 1], a.TargetMask[t] ? a.Targets[t] : a.InputIds[t]);
        Assert.NotEqual(a.TargetMask, c.TargetMask);
    }
}
