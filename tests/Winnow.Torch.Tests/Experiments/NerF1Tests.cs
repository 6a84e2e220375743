using Winnow.Experiments;

namespace Winnow.Torch.Tests.Experiments;

public sealed class NerF1Tests
{
    [Fact]
    public void Spans_come_from_BIO_with_stray_I_tags_opening_a_span()
    {
        Assert.Equal(
            [new EntitySpan(0, 2, "PER"), new EntitySpan(3, 4, "LOC"), new EntitySpan(4, 5, "LOC"), new EntitySpan(5, 6, "ORG"), new EntitySpan(6, 7, "MISC")],
            NerF1.Spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG", "I-MISC"]));
        Assert.Empty(NerF1.Spans(["O", "O"]));
        Assert.Equal([new EntitySpan(1, 3, "PER")], NerF1.Spans(["O", "B-PER", "I-PER"]));
    }

    [Fact]
    public void Micro_F1_counts_exact_spans_only()
    {
        var score = NerF1.Micro([
            // gold: PER[0,2) LOC[3,4); predicted: PER[0,1) (wrong end) LOC[3,4) (right)
            (["B-PER", "I-PER", "O", "B-LOC"], ["B-PER", "O", "O", "B-LOC"]),
            // gold: ORG[0,1); predicted: MISC[0,1) (wrong type) and PER[2,3) (spurious)
            (["B-ORG", "O", "O"], ["B-MISC", "O", "B-PER"]),
        ]);
        Assert.Equal(3, score.Gold);
        Assert.Equal(4, score.Predicted);
        Assert.Equal(1, score.Correct);
        Assert.Equal(0.25, score.Precision, 12);
        Assert.Equal(1.0 / 3, score.Recall, 12);
        Assert.Equal(2 * 0.25 * (1.0 / 3) / (0.25 + 1.0 / 3), score.F1, 12);
    }

    [Fact]
    public void Micro_F1_is_zero_without_predictions_and_refuses_misaligned_sentences()
    {
        Assert.Equal(0, NerF1.Micro([(["B-PER"], ["O"])]).F1);
        Assert.Equal(1, NerF1.Micro([(["B-PER", "I-PER"], ["B-PER", "I-PER"])]).F1);
        Assert.Throws<ArgumentException>(() => NerF1.Micro([(["B-PER"], ["O", "O"])]));
    }
}
