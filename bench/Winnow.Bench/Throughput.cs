using System.Diagnostics;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;

namespace Winnow.Bench;

public static class Throughput
{
    public static ThroughputResult Evaluation(BenchFamily family, int threads, double seconds)
    {
        var evaluator = new Evaluator(family.Model.Model.Module, family.Model.Model);
        return Run(family, "eval", threads, seconds, 1, 0, batches => evaluator.StreamTokenLogProbs(batches).Sum(b => b.Count));
    }

    /// <summary>ToV scoring as the scorer runs it: every batch under θ_bas then θ_val (two LoRA adapter states, no base copy).</summary>
    public static ThroughputResult TovScoring(BenchFamily family, int threads, double seconds)
    {
        var model = family.Model.Model;
        if (!Lora.IsApplied(model)) Lora.Apply(model, new LoraOptions { Rank = 8, Dropout = 0 });
        using var first = Lora.Snapshot(model);
        using var second = Lora.Snapshot(model);
        var scorer = new MultiStateTokenScorer(model.Module, model, [() => Lora.SetAdapter(model, first), () => Lora.SetAdapter(model, second)]);
        var result = Run(family, "tov-score", threads, seconds, 2, 8, batches => scorer.Score(batches).Sum(b => b.Count));
        Lora.SetEnabled(model, false);
        return result;
    }

    /// <summary>
    /// A ToV fit step: LoRA rank 8 (base frozen), batch 16, AdamW, under the trainer — with ToV's random batches
    /// (<paramref name="bucketed"/> false, as <c>TovFitter</c> forms them) or length-bucketed ones (as fine-tuning forms them).
    /// FLOPs count the forward only (as for evaluation), so achieved/peak here is forward-equivalent work per second:
    /// the backward's extra work shows up as a lower rate, not as more FLOPs.
    /// </summary>
    public static ThroughputResult Training(BenchFamily family, int threads, double seconds, bool bucketed)
    {
        var model = family.Model.Model;
        if (!Lora.IsApplied(model)) Lora.Apply(model, new LoraOptions { Rank = 8, Dropout = 0 });
        Lora.SetEnabled(model, true);
        const int batchSize = 16;
        var data = family.Data.Encoded;
        long real = 0, padded = 0;
        double flops = 0;
        Batch Collate(IReadOnlyList<EncodedExample> batch)
        {
            long length = batch.Max(e => e.Length);
            real += batch.Sum(e => (long)e.Length);
            padded += batch.Count * length;
            flops += family.ForwardFlops(batch.Count, length, batch.Sum(e => (long)e.PredictedCount), 8);
            return family.Model.Collator.Collate(batch);
        }
        var lengths = data.Select(e => e.Length).ToArray();
        var source = bucketed
            ? new BatchSource((data.Count + batchSize - 1) / batchSize, epoch =>
                new LengthBucketer(new BucketingOptions { BatchSize = batchSize, Seed = epoch }).Batches(lengths).Select(b => Collate(b.Select(i => data[i]).ToArray())))
            : BatchSource.FromExamples(data, batchSize, Collate, seed: 0);
        var options = new TrainingOptions { LearningRate = 1e-4, BatchSize = batchSize, Epochs = 1_000 };
        using var trainer = new Trainer(model.Module, model, options, options.TotalSteps(source.BatchesPerEpoch));
        trainer.TrainEpoch(source.ForEpoch(0)); // warm-up
        real = padded = 0;
        flops = 0;
        var clock = Stopwatch.StartNew();
        int epochs = 0, examples = 0;
        while (clock.Elapsed.TotalSeconds < seconds || epochs == 0)
        {
            trainer.TrainEpoch(source.ForEpoch(++epochs));
            examples += data.Count;
        }
        double elapsed = clock.Elapsed.TotalSeconds;
        Lora.SetEnabled(model, false);
        var result = new ThroughputResult(family.Name, bucketed ? "train-bucketed" : "train-random", threads, examples, real, padded, elapsed,
            real / elapsed, flops / elapsed / 1e9, 1 - (double)real / padded, 1);
        Console.Error.WriteLine($"  {family.Name} {result.Mode}: {result.TokensPerSecond:N0} real tokens/s, padding {result.PaddingFraction:P1}");
        return result;
    }

    private static ThroughputResult Run(BenchFamily family, string mode, int threads, double seconds, int forwards, int loraRank, Func<IEnumerable<IndexedBatch>, int> pass)
    {
        var data = family.Data.Encoded;
        var batches = Batching.ForEvaluation(data, family.Model.Collator, family.BatchSize).Select(b => b.Indices).ToList();
        long real = 0, padded = 0;
        double flops = 0;
        foreach (var b in batches)
        {
            long length = b.Max(i => data[i].Length);
            long predicted = b.Sum(i => (long)data[i].PredictedCount);
            real += b.Sum(i => (long)data[i].Length);
            padded += b.Length * length;
            flops += forwards * family.ForwardFlops(b.Length, length, predicted, loraRank);
        }
        pass(Batching.ForEvaluation(data, family.Model.Collator, family.BatchSize)); // warm-up
        var clock = Stopwatch.StartNew();
        int passes = 0, examples = 0;
        while (clock.Elapsed.TotalSeconds < seconds || passes == 0)
        {
            examples += pass(Batching.ForEvaluation(data, family.Model.Collator, family.BatchSize));
            passes++;
        }
        double elapsed = clock.Elapsed.TotalSeconds;
        var result = new ThroughputResult(family.Name, mode, threads, examples, real * passes, padded * passes, elapsed,
            real * passes / elapsed, flops * passes / elapsed / 1e9, 1 - (double)real / padded, forwards);
        Console.Error.WriteLine($"  {family.Name} {mode}: {result.TokensPerSecond:N0} real tokens/s, {result.GflopsPerSecond:F1} GFLOP/s");
        return result;
    }
}
