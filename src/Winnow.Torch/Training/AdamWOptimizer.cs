using TorchSharp;
using TorchSharp.Modules;
using Winnow.Torch.Runtime;
using static TorchSharp.torch;

namespace Winnow.Torch.Training;

/// <summary>
/// AdamW (decoupled weight decay, Loshchilov &amp; Hutter), the same update as PyTorch's <c>torch.optim.AdamW</c>.
/// Written here rather than taken from TorchSharp so the per-parameter moments are keyed by parameter name, can be
/// read as plain arrays (LESS builds its gradient features from Adam's m and v) and saved in a documented format.
/// The learning rate is passed to every <see cref="Step"/>, so schedules and ToV's ε·lr steps need no optimizer state.
/// </summary>
public sealed class AdamWOptimizer : IDisposable
{
    private readonly List<ParameterState> _states;
    private bool _disposed;

    /// <param name="parameters">The named parameters to train; the caller filters out frozen ones (see <see cref="Trainable"/>).</param>
    public AdamWOptimizer(IEnumerable<(string Name, Parameter Parameter)> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.0)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "Must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "Must be in [0, 1).");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Must be positive.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Must be >= 0.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _states = parameters.Select(p => new ParameterState(p.Name, p.Parameter)).ToList();
        var duplicate = _states.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Parameter name '{duplicate.Key}' appears twice.", nameof(parameters));
    }

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }

    public IReadOnlyList<string> ParameterNames => _states.Select(s => s.Name).ToArray();

    public IEnumerable<Parameter> Parameters => _states.Select(s => s.Parameter);

    /// <summary>
    /// A module's parameters that require gradients (with LoRA, the adapters only), each once: a tied weight
    /// registered under two names would otherwise be updated twice per step.
    /// </summary>
    public static IEnumerable<(string Name, Parameter Parameter)> Trainable(nn.Module module) =>
        module.named_parameters()
            .Where(p => p.parameter.requires_grad)
            .DistinctBy(p => p.parameter.Handle)
            .Select(p => (p.name, p.parameter));

    /// <summary>Applies one update with learning rate <paramref name="learningRate"/> to every parameter that has a gradient.</summary>
    public void Step(double learningRate) => Apply(learningRate, (state, grad) => state.Update(grad, learningRate, this));

    // One update of every parameter that has a gradient, without gradients and inside one dispose scope.
    private void Apply(double learningRate, Action<ParameterState, Tensor> update)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!(learningRate >= 0) || double.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Must be finite and >= 0.");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var state in _states)
        {
            var grad = state.Parameter.grad;
            if (grad is null) continue;
            update(state, grad);
        }
    }

    /// <summary>
    /// Moves every parameter that has a gradient g by −lr · g / (√v̂' + ε), v' = β2·v + (1−β2)·g² from the current
    /// second moment, bias-corrected as the next Adam step would be: Adam's preconditioning of this gradient alone,
    /// with no first moment and no weight decay. The optimizer's state (moments, step counts) is left unchanged, so a
    /// trajectory can take such a side step and go on as if it had not (ToV's validation step on the target,
    /// <c>TovValidationStep.Preconditioned</c>).
    /// With <paramref name="matchAdamLength"/>, each parameter tensor's move keeps that direction but takes the length
    /// ‖m̂'/(√v̂' + ε)‖·lr of the AdamW step it replaces (m' = β1·m + (1−β1)·g, no weight decay): the target's own
    /// direction at the size the trajectory's optimizer would have stepped (<c>TovValidationStep.Matched</c>). Where
    /// the gradient is large against the second moment (a fresh head meeting a new domain), the plain step can be many
    /// times AdamW's, past the first-order regime ToV's Δ assumes; AdamW's own step is bounded by its first moment.
    /// </summary>
    public void PreconditionedStep(double learningRate, bool matchAdamLength = false) =>
        Apply(learningRate, (state, grad) => state.PreconditionedUpdate(grad, learningRate, this, matchAdamLength));

    /// <summary>Drops the gradients (set to none, as PyTorch's default), so the next backward starts fresh.</summary>
    public void ZeroGrad()
    {
        foreach (var state in _states)
        {
            using var grad = state.Parameter.grad;
            if (grad is not null) state.Parameter.grad = null;
        }
    }

    /// <summary>Adam's first and second moments and step count per parameter, as float32 arrays in parameter order.</summary>
    public IReadOnlyList<AdamMoments> GetAdamMoments()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _states.Select(s => s.Export()).ToArray();
    }

    public AdamWState ExportState() => new(GetAdamMoments());

    /// <summary>Restores moments exported from an optimizer over the same parameter names and shapes.</summary>
    public void ImportState(AdamWState state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var byName = state.Parameters.ToDictionary(m => m.Name);
        var missing = _states.Where(s => !byName.ContainsKey(s.Name)).Select(s => s.Name).ToArray();
        var extra = byName.Keys.Except(_states.Select(s => s.Name)).ToArray();
        if (missing.Length > 0 || extra.Length > 0)
            throw new InvalidDataException(
                $"Optimizer state does not match the trainable parameters: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", extra)}].");
        foreach (var s in _states) s.Import(byName[s.Name]);
    }

    /// <summary>Writes the state to <paramref name="path"/> atomically (see <see cref="OptimizerStateFile"/>).</summary>
    public void Save(string path) => OptimizerStateFile.Write(path, ExportState());

    public void Load(string path) => ImportState(OptimizerStateFile.Read(path));

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _states) s.Dispose();
    }

    private sealed class ParameterState : IDisposable
    {
        public ParameterState(string name, Parameter parameter)
        {
            Name = name;
            Parameter = parameter;
            // Allocated up front and kept out of any dispose scope: they live as long as the optimizer.
            ExpAvg = zeros_like(parameter).DetachFromDisposeScope();
            ExpAvgSq = zeros_like(parameter).DetachFromDisposeScope();
        }

        public string Name { get; }
        public Parameter Parameter { get; }
        public Tensor ExpAvg { get; }
        public Tensor ExpAvgSq { get; }
        public long Step { get; private set; }

        public void Update(Tensor grad, double lr, AdamWOptimizer o)
        {
            Step++;
            double biasCorrection1 = 1 - Math.Pow(o.Beta1, Step);
            // Every Scalar is a local disposed at the end, not an implicit temporary the GC may free mid-call (see
            // Runtime/SafeScalars: it crashed a study with "Expected false to be true … toFloat at Scalar.h").
            using Scalar decay = SafeScalars.Owned(1 - lr * o.WeightDecay), beta1 = SafeScalars.Owned(o.Beta1),
                oneMinusBeta1 = SafeScalars.Owned(1 - o.Beta1), step = SafeScalars.Owned(-lr / biasCorrection1);
            if (o.WeightDecay != 0) Parameter.mul_(decay);
            ExpAvg.mul_(beta1).add_(grad, alpha: oneMinusBeta1);
            Parameter.addcdiv_(ExpAvg, Denominator(ExpAvgSq, grad, Step, o), value: step);
        }

        public void PreconditionedUpdate(Tensor grad, double lr, AdamWOptimizer o, bool matchAdamLength)
        {
            // A copy of the second moment, so the state stays as it was.
            var denominator = Denominator(ExpAvgSq.clone(), grad, Step + 1, o);
            double scale = matchAdamLength ? AdamLengthOver(grad, denominator, o) : 1.0;
            using Scalar step = SafeScalars.Owned(-lr * scale);
            Parameter.addcdiv_(grad, denominator, value: step);
        }

        // ‖m̂'/d‖ / ‖g/d‖: the length of the AdamW step this gradient would take (no weight decay) over the length of
        // the preconditioned step; 0 where the gradient is zero (no direction to move in).
        private double AdamLengthOver(Tensor grad, Tensor denominator, AdamWOptimizer o)
        {
            using Scalar beta1 = SafeScalars.Owned(o.Beta1), oneMinusBeta1 = SafeScalars.Owned(1 - o.Beta1);
            double own = Norm(grad.div(denominator));
            if (!(own > 0)) return 0;
            double adam = Norm(ExpAvg.mul(beta1).add_(grad, alpha: oneMinusBeta1).div_(denominator)) / (1 - Math.Pow(o.Beta1, Step + 1));
            return adam / own;
        }

        private static double Norm(Tensor t) => t.norm().to_type(ScalarType.Float64).item<double>();

        // Adam's √v̂ + ε at step t, after folding g² into the second moment v (in place: pass a copy to keep v).
        private static Tensor Denominator(Tensor secondMoment, Tensor grad, long t, AdamWOptimizer o)
        {
            using Scalar beta2 = SafeScalars.Owned(o.Beta2), oneMinusBeta2 = SafeScalars.Owned(1 - o.Beta2),
                correction2 = SafeScalars.Owned(Math.Sqrt(1 - Math.Pow(o.Beta2, t))), epsilon = SafeScalars.Owned(o.Epsilon);
            return secondMoment.mul_(beta2).addcmul_(grad, grad, value: oneMinusBeta2).sqrt().div_(correction2).PlusInPlace(epsilon);
        }

        public AdamMoments Export() => new(Name, ExpAvg.shape, Step, ToFloats(ExpAvg), ToFloats(ExpAvgSq));

        public void Import(AdamMoments m)
        {
            if (!m.Shape.SequenceEqual(Parameter.shape))
                throw new InvalidDataException(
                    $"Optimizer state for '{Name}' has shape [{string.Join(", ", m.Shape)}], the parameter [{string.Join(", ", Parameter.shape)}].");
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            ExpAvg.copy_(tensor(m.ExpAvg, m.Shape));
            ExpAvgSq.copy_(tensor(m.ExpAvgSq, m.Shape));
            Step = m.Step;
        }

        public void Dispose()
        {
            ExpAvg.Dispose();
            ExpAvgSq.Dispose();
        }

        private static float[] ToFloats(Tensor t)
        {
            using var scope = NewDisposeScope();
            return t.detach().to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        }
    }
}
