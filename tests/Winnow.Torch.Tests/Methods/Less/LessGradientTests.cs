using Winnow.Core.Data;
using Winnow.Torch.Methods.Less;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tests.Methods.Tov;
using Winnow.Torch.Training;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Methods.Less;

[Collection(LessCollection.Name)]
public sealed class LessGradientTests(TovFixture fixture)
{
    [Fact]
    public void Adam_preconditioning_equals_the_formula_on_known_values()
    {
        using var scope = NewDisposeScope();
        float[] g = [0.5f, -2f, 0f, 1e-3f], m = [0.1f, 0.2f, -0.3f, 0f], v = [0.01f, 0.04f, 0f, 1e-6f];
        const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        foreach (bool inside in new[] { true, false })
        {
            var got = LessGradients.AdamPrecondition(tensor(g), tensor(m), tensor(v), b1, b2, eps, inside).data<float>().ToArray();
            for (int i = 0; i < g.Length; i++)
            {
                double m1 = b1 * m[i] + (1 - b1) * g[i];
                double v1 = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double expected = inside ? m1 / Math.Sqrt(v1 + eps) : m1 / (Math.Sqrt(v1) + eps);
                Assert.Equal(expected, got[i], Math.Abs(expected) * 1e-5 + 1e-6);
            }
        }
    }

    [Fact]
    public void Per_example_gradient_equals_autograd_on_that_example_alone()
    {
        var examples = DatasetReader.Read([fixture.InstructionPool], new ReadOptions { Kind = TaskKind.Instruction }).Take(3).ToList();
        var lora = new LoraOptions { Rank = 4, Alpha = 16, Dropout = 0.1, Seed = 1 };
        using var task = TaskModel.Load(fixture.LlamaModel, TaskKind.Instruction, null, new TaskModelOptions { MaxLength = 64 });
        Lora.Apply(task.Model, lora);
        Randomize(task.Model);
        var encoded = examples.Select(e => task.Encode(e).Example!).ToArray();
        var gradients = new LessGradients(task.Model.Module, task.Model, task.Collator);
        // Gradients of other examples first: the routine must not carry any of them over.
        using (NewDisposeScope())
        {
            gradients.Flat(encoded[0]);
            gradients.Flat(encoded[1]);
        }
        using var scope = NewDisposeScope();
        var ours = gradients.Flat(encoded[2]).data<float>().ToArray();

        using var fresh = TaskModel.Load(fixture.LlamaModel, TaskKind.Instruction, null, new TaskModelOptions { MaxLength = 64 });
        Lora.Apply(fresh.Model, lora);
        using (var state = Lora.Snapshot(task.Model)) Lora.SetAdapter(fresh.Model, state);
        fresh.Model.Module.eval();
        var batch = fresh.Collator.Collate([encoded[2]]);
        var loss = Losses.PerExampleLoss(fresh.Model.TargetLogProbs(batch), batch.TargetMask).sum();
        loss.backward();
        var reference = AdamWOptimizer.Trainable(fresh.Model.Module).SelectMany(p => p.Parameter.grad!.reshape(-1).data<float>().ToArray()).ToArray();

        Assert.Equal(reference.Length, ours.Length);
        Assert.Equal(gradients.ParameterCount, ours.Length);
        Assert.True(reference.Count(x => x != 0) > reference.Length / 2, "most gradient entries should be non-zero");
        for (int i = 0; i < ours.Length; i++) Assert.True(Math.Abs(ours[i] - reference[i]) <= 1e-5, $"entry {i}: {ours[i]} vs {reference[i]}");
    }

    /// <summary>LoRA's B starts at zero, which would zero A's gradient; random adapters test every entry.</summary>
    private static void Randomize(IPretrainedModel model)
    {
        using var noGrad = no_grad();
        using var generator = new Generator(5, CPU);
        foreach (var (_, p) in Lora.AdapterParameters(model)) p.copy_(randn(p.shape, generator: generator).mul(0.1));
    }
}
