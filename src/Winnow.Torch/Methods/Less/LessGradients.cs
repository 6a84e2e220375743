using TorchSharp;
using TorchSharp.Modules;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;
using Winnow.Torch.Runtime;
using static TorchSharp.torch;

namespace Winnow.Torch.Methods.Less;

/// <summary>
/// LESS's per-example gradients: the Eq. 7 loss of one example (a batch of 1, so no padding enters), back-propagated
/// by autograd to the trainable parameters (LoRA A/B, plus a token classifier's head), flattened in
/// <see cref="AdamWOptimizer.Trainable"/> order — the order the optimizer's moments are kept in.
/// </summary>
public sealed class LessGradients
{
    private readonly nn.Module _module;
    private readonly ITokenModel _model;
    private readonly Collator _collator;
    private readonly (string Name, Parameter Parameter)[] _parameters;

    public LessGradients(nn.Module module, ITokenModel model, Collator collator)
    {
        _module = module;
        _model = model;
        _collator = collator;
        _parameters = AdamWOptimizer.Trainable(module).ToArray();
        if (_parameters.Length == 0) throw new ArgumentException("The model has no trainable parameter; apply LoRA first.", nameof(module));
        ParameterCount = _parameters.Sum(p => p.Parameter.numel());
    }

    public IReadOnlyList<string> ParameterNames => _parameters.Select(p => p.Name).ToArray();

    /// <summary>P: the length of a flattened gradient.</summary>
    public long ParameterCount { get; }

    /// <summary>
    /// ∇ℓ(θ, x) flattened to [P]. Eval mode: LESS's LoRA dropout would make the feature depend on the draw; the
    /// gradient of the deterministic function is the quantity the influence formula is about.
    /// </summary>
    public Tensor Flat(EncodedExample example)
    {
        _module.eval();
        using var scope = NewDisposeScope();
        ClearGradients();
        try
        {
            var batch = _collator.Collate([example]);
            var loss = Losses.MeanExampleLoss(_model.TargetLogProbs(batch), batch.TargetMask);
            if (loss.IncludedExamples == 0) throw new ArgumentException($"Example '{example.Id}' has no predicted token; it has no gradient.", nameof(example));
            loss.Value.backward();
            var pieces = _parameters.Select(p => p.Parameter.grad is { } g ? g.detach().reshape(-1) : zeros(p.Parameter.numel())).ToArray();
            return cat(pieces, 0).MoveToOuterDisposeScope();
        }
        finally
        {
            ClearGradients();
        }
    }

    /// <summary>Adam moments of a checkpoint flattened in this model's parameter order, checked by name and size.</summary>
    public (Tensor M, Tensor V) FlatMoments(AdamWState state)
    {
        var byName = state.Parameters.ToDictionary(m => m.Name, StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        var m = new List<Tensor>();
        var v = new List<Tensor>();
        foreach (var (name, parameter) in _parameters)
        {
            if (!byName.TryGetValue(name, out var moments))
                throw new InvalidDataException($"The checkpoint's optimizer state has no moments for '{name}'.");
            if (moments.ExpAvg.LongLength != parameter.numel())
                throw new InvalidDataException($"The optimizer moments for '{name}' have {moments.ExpAvg.LongLength} values, the parameter {parameter.numel()}.");
            m.Add(tensor(moments.ExpAvg));
            v.Add(tensor(moments.ExpAvgSq));
        }
        return (cat(m, 0).MoveToOuterDisposeScope(), cat(v, 0).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// LESS's Adam-preconditioned gradient: m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g², Γ = m'/√(v' + ε) (LESS's
    /// code) or m'/(√v' + ε) (the paper's formula; docs/methods.md, "LESS"). No bias correction, exactly as the reference code.
    /// </summary>
    public static Tensor AdamPrecondition(Tensor g, Tensor m, Tensor v, double beta1, double beta2, double epsilon, bool epsilonInsideSqrt)
    {
        using var scope = NewDisposeScope();
        // Scalars held in locals until the end: an implicitly converted temporary can be finalised by the GC while
        // libtorch still reads it (seen as "Unknown scalar type" under memory pressure on a 10k-example pool).
        using Scalar b1 = SafeScalars.Owned(beta1), b2 = SafeScalars.Owned(beta2), a1 = SafeScalars.Owned(1 - beta1),
            a2 = SafeScalars.Owned(1 - beta2), eps = SafeScalars.Owned(epsilon);
        var m1 = m.mul(b1).add(g, alpha: a1);
        var v1 = v.mul(b2).add(g.square(), alpha: a2);
        var denominator = epsilonInsideSqrt ? v1.Plus(eps).sqrt() : v1.sqrt().Plus(eps);
        var result = m1.div(denominator).MoveToOuterDisposeScope();
        return result;
    }

    private void ClearGradients()
    {
        foreach (var (_, parameter) in _parameters)
        {
            using var grad = parameter.grad;
            if (grad is not null) parameter.grad = null;
        }
    }
}
