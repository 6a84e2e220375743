using TorchSharp.Modules;
using Winnow.Torch.Tests.TestSupport;
using Winnow.Torch.Training;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Training;

[Collection(TorchSerialCollection.Name)]
public class AdamWOptimizerTests
{
    [Fact]
    public void MatchesTorchSharpsAdamW()
    {
        using var scope = NewDisposeScope();
        var start = new float[] { 0.5f, -1.5f, 2f, 0.25f };
        var ours = new Parameter(tensor(start), requires_grad: true);
        var theirs = new Parameter(tensor(start), requires_grad: true);
        using var optimizer = new AdamWOptimizer([("w", ours)], beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01);
        using var reference = optim.AdamW([theirs], lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);

        for (int step = 0; step < 5; step++)
        {
            Backward(ours);
            optimizer.Step(0.05);
            optimizer.ZeroGrad();
            Backward(theirs);
            reference.step();
            reference.zero_grad();
        }

        var a = ours.data<float>().ToArray();
        var b = theirs.data<float>().ToArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 6);
        Assert.NotEqual(start, a);
    }

    /// <summary>
    /// PreconditionedStep moves each weight by −lr·g/(√(v'/(1−β2^(t+1))) + ε), v' = β2·v + (1−β2)·g², computed here by
    /// hand from the exported state; no first moment, no weight decay, and the state is left as it was.
    /// </summary>
    [Fact]
    public void PreconditionedStepUsesTheGradientOverAdamsSecondMomentAndLeavesTheState()
    {
        using var scope = NewDisposeScope();
        var w = new Parameter(tensor(new float[] { 0.5f, -1.5f, 2f, 0.25f }), requires_grad: true);
        using var optimizer = new AdamWOptimizer([("w", w)], beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01);
        for (int step = 0; step < 3; step++)
        {
            Backward(w);
            optimizer.Step(0.05);
            optimizer.ZeroGrad();
        }
        var state = optimizer.GetAdamMoments().Single();
        var start = w.data<float>().ToArray();
        w.grad = tensor(new float[] { 0.3f, -2f, 0.01f, 1f });
        var g = w.grad.data<float>().ToArray();

        optimizer.PreconditionedStep(0.02);

        double correction = 1 - Math.Pow(0.999, state.Step + 1);
        var moved = w.data<float>().ToArray();
        for (int i = 0; i < g.Length; i++)
        {
            double v = 0.999 * state.ExpAvgSq[i] + 0.001 * g[i] * g[i];
            double expected = start[i] - 0.02 * g[i] / (Math.Sqrt(v / correction) + 1e-8);
            Assert.Equal(expected, moved[i], 5);
        }
        var after = optimizer.GetAdamMoments().Single();
        Assert.Equal(state.Step, after.Step);
        Assert.Equal(state.ExpAvg, after.ExpAvg);
        Assert.Equal(state.ExpAvgSq, after.ExpAvgSq);
    }

    /// <summary>
    /// With matchAdamLength the step keeps the preconditioned direction (each move proportional to g/(√v̂' + ε)) but is
    /// as long as the AdamW step it replaces: measured by taking that AdamW step (no weight decay) on a twin optimizer
    /// with the same history and gradient. The state is left as it was. The gradient is chosen against the history
    /// (large and of the other sign on one weight), so the two lengths differ and a plain step would fail the test.
    /// </summary>
    [Fact]
    public void MatchedPreconditionedStepHasAdamsLengthAndTheTargetsDirection()
    {
        using var scope = NewDisposeScope();
        var start = new float[] { 0.5f, -1.5f, 2f, 0.25f };
        var w = new Parameter(tensor(start), requires_grad: true);
        var twin = new Parameter(tensor(start), requires_grad: true);
        using var optimizer = new AdamWOptimizer([("w", w)], beta1: 0.9, beta2: 0.999, epsilon: 1e-8);
        using var reference = new AdamWOptimizer([("w", twin)], beta1: 0.9, beta2: 0.999, epsilon: 1e-8);
        for (int step = 0; step < 3; step++)
        {
            foreach (var (p, o) in new[] { (w, optimizer), (twin, reference) })
            {
                Backward(p);
                o.Step(0.05);
                o.ZeroGrad();
            }
        }
        var state = optimizer.GetAdamMoments().Single();
        var before = w.data<float>().ToArray();
        var g = new float[] { 0.3f, -20f, 0.01f, 1f };
        w.grad = tensor(g);
        twin.grad = tensor(g);

        optimizer.PreconditionedStep(0.02, matchAdamLength: true);
        reference.Step(0.02);

        var moved = w.data<float>().Zip(before, (a, b) => (double)a - b).ToArray();
        var adamMove = twin.data<float>().Zip(before, (a, b) => (double)a - b).ToArray();
        double Length(double[] v) => Math.Sqrt(v.Sum(x => x * x));
        Assert.Equal(Length(adamMove), Length(moved), 5);
        double correction = 1 - Math.Pow(0.999, state.Step + 1);
        var direction = g.Select((gi, i) => -gi / (Math.Sqrt((0.999 * state.ExpAvgSq[i] + 0.001 * gi * gi) / correction) + 1e-8)).ToArray();
        double cosine = moved.Zip(direction, (a, b) => a * b).Sum() / (Length(moved) * Length(direction));
        Assert.Equal(1.0, cosine, 5);
        // The plain preconditioned step is longer here: the matched step really rescales it.
        Assert.True(Length(direction) * 0.02 > 1.2 * Length(moved), $"plain {Length(direction) * 0.02}, matched {Length(moved)}");
        var after = optimizer.GetAdamMoments().Single();
        Assert.Equal(state.Step, after.Step);
        Assert.Equal(state.ExpAvg, after.ExpAvg);
        Assert.Equal(state.ExpAvgSq, after.ExpAvgSq);
    }

    [Fact]
    public void MomentsRoundTripThroughTheStateFile()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        var w = new Parameter(tensor(new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, [2, 3]), requires_grad: true);
        using var optimizer = new AdamWOptimizer([("layer.w", w)]);
        Backward(w);
        optimizer.Step(0.1);
        optimizer.ZeroGrad();

        var path = Path.Combine(dir.Path, "optimizer.bin");
        optimizer.Save(path);
        var moments = optimizer.GetAdamMoments().Single();
        using var restored = new AdamWOptimizer([("layer.w", new Parameter(zeros(2, 3), requires_grad: true))]);
        restored.Load(path);
        var back = restored.GetAdamMoments().Single();

        Assert.Equal("layer.w", moments.Name);
        Assert.Equal([2L, 3L], moments.Shape);
        Assert.Equal(1, moments.Step);
        Assert.Contains(moments.ExpAvg, v => v != 0);
        Assert.Equal(moments.ExpAvg, back.ExpAvg);
        Assert.Equal(moments.ExpAvgSq, back.ExpAvgSq);
        Assert.Equal(moments.Step, back.Step);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void LoadRejectsStateOfOtherParameters()
    {
        using var scope = NewDisposeScope();
        using var optimizer = new AdamWOptimizer([("a", new Parameter(zeros(3), requires_grad: true))]);
        var wrongName = new AdamWState([new AdamMoments("b", [3], 1, new float[3], new float[3])]);
        var wrongShape = new AdamWState([new AdamMoments("a", [4], 1, new float[4], new float[4])]);
        Assert.Throws<InvalidDataException>(() => optimizer.ImportState(wrongName));
        Assert.Throws<InvalidDataException>(() => optimizer.ImportState(wrongShape));
    }

    [Fact]
    public void ClippingScalesTheGlobalNormDownToTheMaximum()
    {
        using var scope = NewDisposeScope();
        var a = new Parameter(zeros(2), requires_grad: true);
        var b = new Parameter(zeros(1), requires_grad: true);
        var frozen = new Parameter(zeros(1), requires_grad: true); // never gets a gradient
        a.grad = tensor(new float[] { 3f, 4f });
        b.grad = tensor(new float[] { 12f });

        double before = GradientClipping.ClipByGlobalNorm([a, b, frozen], maxNorm: 1.0);

        Assert.Equal(13.0, before, 5);
        Assert.Equal(1.0, GradientClipping.GlobalNorm([a, b]), 5);
        Assert.Equal(3f / 13f, a.grad!.data<float>()[0], 5);
        Assert.Equal(12f / 13f, b.grad!.data<float>()[0], 5);
    }

    [Fact]
    public void ClippingLeavesSmallGradientsAlone()
    {
        using var scope = NewDisposeScope();
        var a = new Parameter(zeros(2), requires_grad: true);
        a.grad = tensor(new float[] { 0.3f, 0.4f });
        Assert.Equal(0.5, GradientClipping.ClipByGlobalNorm([a], maxNorm: 1.0), 6);
        Assert.Equal(new[] { 0.3f, 0.4f }, a.grad!.data<float>().ToArray());
    }

    [Fact]
    public void ATiedWeightIsTrainedOnce()
    {
        using var module = new Tied();
        var trainable = AdamWOptimizer.Trainable(module).ToArray();
        Assert.Single(trainable);
        Assert.Equal("input", trainable[0].Name);
    }

    private sealed class Tied : nn.Module
    {
        public Tied() : base(nameof(Tied))
        {
            var shared = new Parameter(zeros(3), requires_grad: true);
            register_parameter("input", shared);
            register_parameter("output", shared);
            register_parameter("frozen", new Parameter(zeros(2), requires_grad: false));
        }
    }

    private static void Backward(Parameter p)
    {
        using var scope = NewDisposeScope();
        var weights = arange(1, p.numel() + 1, dtype: ScalarType.Float32).reshape(p.shape);
        (p * weights - 1).pow(2).sum().backward();
    }
}
