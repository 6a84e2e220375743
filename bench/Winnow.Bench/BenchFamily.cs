using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;

namespace Winnow.Bench;

/// <summary>One benchmarked model: the tiny preset of a family, its data, and FLOP counting from its shapes.</summary>
public sealed class BenchFamily(string name, TaskModel model, EncodedSet data, int batchSize) : IDisposable
{
    public string Name { get; } = name;
    public TaskModel Model { get; } = model;
    public EncodedSet Data { get; } = data;
    public int BatchSize { get; } = batchSize;

    private (int Hidden, int Intermediate, int Layers, int KvDim, int OutputSize, int Mlps) Dims => Model.Model.Config switch
    {
        LlamaConfig l => (l.HiddenSize, l.IntermediateSize, l.NumHiddenLayers, l.NumKeyValueHeads * l.HeadDim, l.VocabSize, 3),
        BertConfig b => (b.HiddenSize, b.IntermediateSize, b.NumHiddenLayers, b.HiddenSize, b.Labels.Count, 2),
        _ => throw new NotSupportedException(),
    };

    /// <summary>The matmuls a batch of the typical padded size runs: projections, MLP, output head.</summary>
    public IReadOnlyList<MatmulShape> MatmulShapes()
    {
        var (h, i, _, kv, output, _) = Dims;
        long rows = (long)BatchSize * (long)Data.Encoded.Average(e => e.Length);
        return
        [
            new($"{Name}-attn-proj", rows, h, h),
            new($"{Name}-kv-proj", rows, h, kv),
            new($"{Name}-mlp-up", rows, h, i),
            new($"{Name}-mlp-down", rows, i, h),
            new($"{Name}-head", rows / 4, h, output),
        ];
    }

    /// <summary>Forward FLOPs of one padded batch: 2·(weights touched) per token, attention 4·T·h per token and layer, head at predicted positions only.</summary>
    public double ForwardFlops(long batch, long length, long predicted, int loraRank = 0)
    {
        var (h, i, layers, kv, output, mlps) = Dims;
        double perTokenLayer = 2.0 * (2L * h * h + 2L * h * kv + (long)mlps * h * i) + 4.0 * length * h;
        if (loraRank > 0) perTokenLayer += 2.0 * loraRank * (4L * h + 2L * h + 2L * kv);
        return batch * length * layers * perTokenLayer + 2.0 * predicted * h * output;
    }

    public void Dispose() => Model.Dispose();
}
