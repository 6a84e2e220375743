using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Modeling;

/// <summary>Tiny configs and batches so every modeling test runs in milliseconds.</summary>
internal static class TestModels
{
    public const int Vocab = 97;

    public static LlamaConfig Llama(int heads = 4, int kvHeads = 2, bool tie = false, int layers = 2) => new()
    {
        VocabSize = Vocab, HiddenSize = 32, IntermediateSize = 48, NumHiddenLayers = layers,
        NumAttentionHeads = heads, NumKeyValueHeads = kvHeads, MaxPositionEmbeddings = 64, TieWordEmbeddings = tie,
        InitializerRange = 0.2,
    };

    public static BertConfig Bert(ModelFamily head = ModelFamily.TokenClassifier, string modelType = "bert") => new()
    {
        ModelType = modelType, Head = head, VocabSize = Vocab, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2,
        NumAttentionHeads = 4, MaxPositionEmbeddings = 40, TypeVocabSize = modelType == "roberta" ? 1 : 2,
        PadTokenId = modelType == "roberta" ? 1 : 0, Labels = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"],
        InitializerRange = 0.2,
    };

    public static IPretrainedModel Create(IModelConfig config, long seed = 1)
    {
        var model = ModelFactory.Create(config, seed);
        model.Module.eval();
        return model;
    }

    /// <summary>Rows of token ids, right-padded with <paramref name="pad"/>; targets are the next token (causal) or the ids mod <paramref name="targetModulo"/>.</summary>
    public static Batch MakeBatch(long[][] rows, int targetModulo = Vocab, bool shiftTargets = true, long pad = 0)
    {
        int b = rows.Length, t = rows.Max(r => r.Length);
        var ids = new long[b * t];
        var mask = new long[b * t];
        var targets = new long[b * t];
        var targetMask = new bool[b * t];
        for (int i = 0; i < b; i++)
        {
            for (int j = 0; j < t; j++)
            {
                bool real = j < rows[i].Length;
                ids[i * t + j] = real ? rows[i][j] : pad;
                mask[i * t + j] = real ? 1 : 0;
                if (shiftTargets)
                {
                    bool has = j + 1 < rows[i].Length;
                    targets[i * t + j] = has ? rows[i][j + 1] : -100;
                    targetMask[i * t + j] = has;
                }
                else
                {
                    targets[i * t + j] = real ? rows[i][j] % targetModulo : -100;
                    targetMask[i * t + j] = real;
                }
            }
        }
        return new Batch(tensor(ids).view(b, t), tensor(mask).view(b, t), tensor(targets).view(b, t), tensor(targetMask).view(b, t));
    }

    public static long[][] SampleRows() =>
    [
        [5, 17, 33, 2, 81, 40, 9, 12],
        [7, 64, 3, 22, 90],
        [11, 12, 13],
    ];

    public static float[] Values(Tensor t) => t.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();

    public static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"index {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
    }

    public static Dictionary<string, byte[]> StateBytes(IPretrainedModel model) =>
        model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().contiguous().bytes.ToArray());
}
