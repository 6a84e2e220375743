using System.Diagnostics;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using static TorchSharp.torch;

namespace Winnow.Bench;

/// <summary>
/// Times an evaluation pass with forward hooks on every linear layer, LoRA-wrapped or not (CPU execution is
/// synchronous, so the time between a layer's pre- and post-hook is its matmul): the linear layers' share of the pass
/// and their own FLOP rate show whether the rest (attention core, norms, activations, embedding, log-softmax) or the
/// matmuls themselves keep the pass below the machine's peak.
/// </summary>
public static class Breakdown
{
    public static BreakdownResult Measure(BenchFamily family, int threads, double seconds)
    {
        var module = family.Model.Model.Module;
        var clock = Stopwatch.StartNew();
        TimeSpan inside = TimeSpan.Zero, started = TimeSpan.Zero;
        double linearFlops = 0;
        var removers = new List<Action>();
        foreach (var (name, child) in module.named_modules())
        {
            // A LoRA-wrapped layer counts as one linear layer (its disabled adapter is not called); plain Linear layers
            // inside a LoraLinear are its adapter, not base matmuls.
            if (child is not (TorchSharp.Modules.Linear or LoraLinear) || name.Contains(".lora_", StringComparison.Ordinal)) continue;
            var layer = (nn.Module<Tensor, Tensor>)child;
            // A hook returning null leaves the input/output as it is.
            var pre = layer.register_forward_pre_hook((_, x) => { started = clock.Elapsed; return null!; });
            var post = layer.register_forward_hook((_, x, y) =>
            {
                inside += clock.Elapsed - started;
                linearFlops += 2.0 * x.numel() * y.shape[^1];
                return null!;
            });
            removers.Add(() => pre.remove());
            removers.Add(() => post.remove());
        }
        try
        {
            var evaluator = new Evaluator(module, family.Model.Model);
            double flops = 0;
            var data = family.Data.Encoded;
            foreach (var b in Batching.ForEvaluation(data, family.Model.Collator, family.BatchSize).Select(b => b.Indices))
                flops += family.ForwardFlops(b.Length, b.Max(i => data[i].Length), b.Sum(i => (long)data[i].PredictedCount));
            evaluator.StreamTokenLogProbs(Batching.ForEvaluation(data, family.Model.Collator, family.BatchSize)).Sum(b => b.Count); // warm-up
            inside = TimeSpan.Zero;
            linearFlops = 0;
            clock.Restart();
            int passes = 0;
            while (clock.Elapsed.TotalSeconds < seconds || passes == 0)
            {
                evaluator.StreamTokenLogProbs(Batching.ForEvaluation(data, family.Model.Collator, family.BatchSize)).Sum(b => b.Count);
                passes++;
            }
            double total = clock.Elapsed.TotalSeconds;
            var result = new BreakdownResult(family.Name, threads, total / passes, inside.TotalSeconds / passes, linearFlops / passes, flops);
            Console.Error.WriteLine($"  {family.Name} breakdown: linear layers {result.LinearTimeShare:P0} of the pass at {result.LinearGflopsPerSecond:F1} GFLOP/s");
            return result;
        }
        finally
        {
            foreach (var remove in removers) remove();
        }
    }
}
