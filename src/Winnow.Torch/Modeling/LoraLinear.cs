using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Modeling;

/// <summary>
/// A linear layer plus a low-rank update: y = x·Wᵀ + b + scaling · B(A(dropout(x))). It holds the wrapped
/// layer's own <c>weight</c>/<c>bias</c> Parameter objects (no copy), frozen, under the same names, so the base
/// keys stay Hugging Face's and the adapter keys are PEFT's (<c>…q_proj.lora_A.weight</c>).
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly Linear lora_A;
    private readonly Linear lora_B;
    private readonly Dropout lora_dropout;

    // Held by the layer, not an implicit temporary per forward (see SafeScalars).
    private readonly Scalar _scaling;

    // W + scaling·B·A for scoring (CacheMergedWeight); null: run the base and adapter paths.
    private Tensor? _merged;

    public LoraLinear(Linear baseLayer, LoraOptions options, Generator? generator = null) : base(nameof(LoraLinear))
    {
        options.Validate();
        weight = baseLayer.weight ?? throw new ArgumentException("The base layer has no weight.", nameof(baseLayer));
        bias = baseLayer.bias;
        weight.requires_grad = false;
        if (bias is not null) bias.requires_grad = false;
        long inFeatures = weight.shape[1], outFeatures = weight.shape[0];
        lora_A = nn.Linear(inFeatures, options.Rank, hasBias: false);
        lora_B = nn.Linear(options.Rank, outFeatures, hasBias: false);
        using (no_grad())
        {
            // PEFT's default: kaiming-uniform with a = √5 on A, i.e. U(±1/√in); B zero so the adapter starts as a no-op.
            double bound = 1.0 / Math.Sqrt(inFeatures);
            lora_A.weight!.uniform_(-bound, bound, generator);
            lora_B.weight!.zero_();
        }
        if (weight.dtype != ScalarType.Float32)
        {
            lora_A.to(weight.dtype);
            lora_B.to(weight.dtype);
        }
        lora_dropout = nn.Dropout(options.Dropout);
        Options = options;
        Scaling = options.Scaling;
        _scaling = SafeScalars.Owned(Scaling);
        RegisterComponents();
    }

    public double Scaling { get; }

    /// <summary>The options this layer was adapted with (rank, alpha, dropout, targets).</summary>
    public LoraOptions Options { get; }

    /// <summary>False: the layer behaves exactly as the base layer.</summary>
    public bool Enabled { get; set; } = true;

    public Parameter Weight => weight;

    public Parameter? Bias => bias;

    public Parameter A => lora_A.weight!;

    public Parameter B => lora_B.weight!;

    /// <summary>Whether a merged weight is cached (see <see cref="CacheMergedWeight"/>).</summary>
    public bool HasMergedWeight => _merged is not null;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (_merged is not null)
        {
            // The cache is for scoring only: training (or anything that needs gradients) drops it and runs the two paths,
            // so a stale merged weight can never outlive an optimizer step.
            if (!training && !is_grad_enabled()) return (Enabled ? F.linear(x, _merged, bias) : F.linear(x, weight, bias)).MoveToOuterDisposeScope();
            DropMergedWeight();
        }
        var y = F.linear(x, weight, bias);
        if (Enabled) y = y.Plus(lora_B.call(lora_A.call(lora_dropout.call(x))).mul(_scaling));
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Caches W + scaling·B·A of the adapter as it is now, so that eval-mode forwards without autograd run one matmul
    /// instead of the base matmul plus the rank-r path (ToV scores every pool batch under 2L adapter states; merging
    /// once per state switch costs a few small matmuls). <see cref="Lora.LoadAdapterWeights"/> and a forward that
    /// needs gradients drop the cache; a caller writing A or B directly calls <see cref="DropMergedWeight"/>.
    /// </summary>
    public void CacheMergedWeight()
    {
        using var noGrad = no_grad();
        var merged = MergedWeight();
        DropMergedWeight();
        _merged = merged.DetachFromDisposeScope();
    }

    public void DropMergedWeight()
    {
        _merged?.Dispose();
        _merged = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) DropMergedWeight();
        base.Dispose(disposing);
    }

    /// <summary>W + scaling·B·A: the weight a merged export carries.</summary>
    public Tensor MergedWeight()
    {
        using var scope = NewDisposeScope();
        return weight.Plus(matmul(B, A).mul(_scaling)).to_type(weight.dtype).MoveToOuterDisposeScope();
    }
}
