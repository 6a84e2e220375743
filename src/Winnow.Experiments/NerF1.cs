namespace Winnow.Experiments;

/// <summary>Entity-level micro F1 over exact spans (CoNLL style): a predicted span counts only if start, end and type all match.</summary>
public static class NerF1
{
    /// <summary>
    /// Spans from BIO tags. An I- tag that does not continue a span of its type starts a new one (the lenient CoNLL
    /// reading), so a model that never predicts B- still gets credit for the entities it marks.
    /// </summary>
    public static List<EntitySpan> Spans(IReadOnlyList<string> tags)
    {
        var spans = new List<EntitySpan>();
        int start = -1;
        string? type = null;
        for (int i = 0; i <= tags.Count; i++)
        {
            string tag = i < tags.Count ? tags[i] : "O";
            bool begins = tag.StartsWith("B-", StringComparison.Ordinal);
            bool inside = tag.StartsWith("I-", StringComparison.Ordinal);
            string? tagType = begins || inside ? tag[2..] : null;
            bool continues = inside && type == tagType;
            if (type is not null && !continues)
            {
                spans.Add(new EntitySpan(start, i, type));
                type = null;
            }
            if ((begins || inside) && !continues)
            {
                start = i;
                type = tagType;
            }
        }
        return spans;
    }

    public sealed record Score(int Gold, int Predicted, int Correct)
    {
        public double Precision => Predicted == 0 ? 0 : (double)Correct / Predicted;
        public double Recall => Gold == 0 ? 0 : (double)Correct / Gold;
        public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
    }

    /// <summary>Micro F1 over sentences given as (gold tags, predicted tags) pairs of equal length.</summary>
    public static Score Micro(IEnumerable<(IReadOnlyList<string> Gold, IReadOnlyList<string> Predicted)> sentences)
    {
        int gold = 0, predicted = 0, correct = 0;
        foreach (var (g, p) in sentences)
        {
            if (g.Count != p.Count) throw new ArgumentException($"Gold and predicted tag sequences differ in length ({g.Count} vs {p.Count}).");
            var goldSpans = Spans(g).ToHashSet();
            var predictedSpans = Spans(p);
            gold += goldSpans.Count;
            predicted += predictedSpans.Count;
            correct += predictedSpans.Count(goldSpans.Contains);
        }
        return new Score(gold, predicted, correct);
    }
}
