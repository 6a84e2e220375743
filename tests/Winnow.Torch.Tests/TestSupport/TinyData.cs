using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.TestSupport;

/// <summary>Builds <see cref="Batch"/>es from tiny examples the way a causal LM collator does (shifted targets, right padding).</summary>
public static class TinyData
{
    public const int PadId = 0;

    /// <summary>Arithmetic sequences mod <paramref name="vocab"/> (never the pad id), varied lengths and prompts.</summary>
    public static TinyExample[] Sequences(int count, int vocab = 16, int seed = 1, int minLength = 4, int maxLength = 10)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            int length = random.Next(minLength, maxLength + 1);
            int start = random.Next(1, vocab), stride = random.Next(1, 4);
            var tokens = Enumerable.Range(0, length).Select(k => 1 + (start + k * stride) % (vocab - 1)).ToArray();
            return new TinyExample($"ex-{i}", tokens, PromptLength: random.Next(1, length - 1));
        }).ToArray();
    }

    /// <summary>InputIds = tokens[..^1], Targets = tokens[1..], TargetMask where the target is a response token.</summary>
    public static Batch Collate(IReadOnlyList<TinyExample> examples)
    {
        int b = examples.Count, t = examples.Max(e => e.Tokens.Length) - 1;
        var ids = new long[b * t];
        var attention = new long[b * t];
        var targets = new long[b * t];
        var mask = new bool[b * t];
        for (int row = 0; row < b; row++)
        {
            var e = examples[row];
            for (int pos = 0; pos < e.Tokens.Length - 1; pos++)
            {
                ids[row * t + pos] = e.Tokens[pos];
                attention[row * t + pos] = 1;
                targets[row * t + pos] = e.Tokens[pos + 1];
                mask[row * t + pos] = pos + 1 >= e.PromptLength;
            }
        }
        return new Batch(tensor(ids, [b, t]), tensor(attention, [b, t]), tensor(targets, [b, t]), tensor(mask, [b, t]));
    }

    /// <summary>Batches in the given example order, each row tagged with its example index.</summary>
    public static IEnumerable<IndexedBatch> Indexed(IReadOnlyList<TinyExample> examples, IEnumerable<int> order, int batchSize)
    {
        foreach (var chunk in order.Chunk(batchSize))
            yield return new IndexedBatch(Collate(chunk.Select(i => examples[i]).ToArray()), chunk);
    }

    /// <summary>Length bucketing: examples sorted by length (longest first), then cut into batches.</summary>
    public static IEnumerable<IndexedBatch> Bucketed(IReadOnlyList<TinyExample> examples, int batchSize) =>
        Indexed(examples, Enumerable.Range(0, examples.Count).OrderByDescending(i => examples[i].Tokens.Length).ThenBy(i => i), batchSize);
}
