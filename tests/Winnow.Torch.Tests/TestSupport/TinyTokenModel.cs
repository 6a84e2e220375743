using TorchSharp.Modules;
using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.TestSupport;

/// <summary>
/// A few-hundred-parameter causal token model for trainer and evaluator tests: each position sees its own token's
/// embedding and the mean embedding of the tokens up to it, mixes them through tanh and projects to the vocabulary.
/// Parameters are drawn from a private generator so tests running beside it cannot change its initial weights.
/// </summary>
public sealed class TinyTokenModel : nn.Module, ITokenModel
{
#pragma warning disable IDE1006 // Module fields are registered by name.
    private readonly Parameter embedding;
    private readonly Parameter current;
    private readonly Parameter context;
    private readonly Parameter output;
    private readonly Parameter bias;
#pragma warning restore IDE1006

    public TinyTokenModel(int vocab = 16, int dim = 12, ulong seed = 7, bool freezeEmbedding = false) : base(nameof(TinyTokenModel))
    {
        Vocab = vocab;
        using var generator = new Generator(seed);
        embedding = Init([vocab, dim], 0.5, generator, !freezeEmbedding);
        current = Init([dim, dim], 1.0 / Math.Sqrt(dim), generator, true);
        context = Init([dim, dim], 1.0 / Math.Sqrt(dim), generator, true);
        output = Init([dim, vocab], 1.0 / Math.Sqrt(dim), generator, true);
        bias = new Parameter(zeros(vocab), requires_grad: true);
        RegisterComponents();
    }

    public int Vocab { get; }

    /// <summary>Whether the last forward pass ran in training mode.</summary>
    public bool? LastForwardTraining { get; private set; }

    /// <summary>Whether the last forward pass had gradients enabled.</summary>
    public bool? LastForwardGradEnabled { get; private set; }

    public Tensor TargetLogProbs(Batch batch)
    {
        LastForwardTraining = training;
        LastForwardGradEnabled = is_grad_enabled();
        using var scope = NewDisposeScope();
        long b = batch.Size, t = batch.Length;
        var e = embedding.index_select(0, batch.InputIds.reshape(-1)).reshape(b, t, -1);
        var positions = arange(1, t + 1, dtype: ScalarType.Float32).reshape(1, t, 1);
        var runningMean = e.cumsum(1).div(positions);
        var hidden = tanh(matmul(e, current) + matmul(runningMean, context));
        var logits = matmul(hidden, output) + bias;
        var gold = logits.log_softmax(-1).gather(2, batch.Targets.unsqueeze(-1)).squeeze(-1);
        return gold.masked_fill(batch.TargetMask.logical_not(), 0.0).MoveToOuterDisposeScope();
    }

    /// <summary>Named snapshot of every parameter's values.</summary>
    public Dictionary<string, float[]> Snapshot() =>
        named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());

    /// <summary>Copies another tiny model's parameter values into this one.</summary>
    public void CopyFrom(TinyTokenModel other)
    {
        using var noGrad = no_grad();
        var source = other.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in named_parameters()) p.copy_(source[name]);
    }

    /// <summary>Sets every parameter from a <see cref="Snapshot"/>.</summary>
    public void Load(IReadOnlyDictionary<string, float[]> snapshot)
    {
        using var noGrad = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            using var values = tensor(snapshot[name], p.shape);
            p.copy_(values);
        }
    }

    /// <summary>Writes NaN into one output weight, to make the loss diverge.</summary>
    public void Poison()
    {
        using var noGrad = no_grad();
        output[0, 0] = float.NaN;
    }

    /// <summary>Scales the output projection in place: a cheap stand-in for switching adapter states.</summary>
    public void ScaleOutput(double factor)
    {
        using var noGrad = no_grad();
        output.mul_(factor);
    }

    private static Parameter Init(long[] shape, double scale, Generator generator, bool trainable)
    {
        using var values = randn(shape, generator: generator);
        return new Parameter(values.mul(scale), requires_grad: trainable);
    }
}
