using System.Diagnostics;
using System.Globalization;
using System.Text;
using TorchSharp;
using Winnow.Core.Data;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tokenization;
using Winnow.Torch.Training;
using static TorchSharp.torch;

namespace Winnow.Bench;

public sealed record MatmulShape(string Name, long M, long K, long N)
{
    public double Flops => 2.0 * M * K * N;
}

public sealed record MatmulResult(string Shape, long M, long K, long N, int Threads, double GflopsPerSecond);

public sealed record ThroughputResult(
    string Family, string Mode, int Threads, int Examples, long RealTokens, long PaddedTokens, double Seconds,
    double TokensPerSecond, double GflopsPerSecond, double PaddingFraction, int ForwardsPerBatch);

/// <summary>
/// Where an evaluation pass's time goes: inside the model's linear layers (hooked matmuls) and outside them (attention
/// scores and softmax, norms, activations, embeddings, a tied LM head, log-softmax and gather). FLOPs per pass.
/// </summary>
public sealed record BreakdownResult(string Family, int Threads, double TotalSeconds, double LinearSeconds, double LinearFlops, double AllFlops)
{
    public double LinearTimeShare => LinearSeconds / TotalSeconds;
    public double LinearGflopsPerSecond => LinearFlops / LinearSeconds / 1e9;
    public double OutsideFlopShare => Math.Max(0, AllFlops - LinearFlops) / AllFlops;
    public double OutsideGflopsPerSecond => Math.Max(0, AllFlops - LinearFlops) / (TotalSeconds - LinearSeconds) / 1e9;
}

public sealed record BenchReport(string Machine, string Date, string Commit, IReadOnlyList<MatmulResult> Matmul, IReadOnlyList<ThroughputResult> Throughput)
{
    public IReadOnlyList<BreakdownResult> Breakdown { get; init; } = [];

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Forward throughput — {Date}, commit {Commit}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}. Peak = the best fp32 matmul rate through libtorch measured in this run at the model's own shapes (same thread count).");
        sb.AppendLine();
        sb.AppendLine("| shape (M×K×N) | threads | GFLOP/s |");
        sb.AppendLine("|---|---|---|");
        foreach (var m in Matmul) sb.AppendLine(CultureInfo.InvariantCulture, $"| {m.Shape} ({m.M}×{m.K}×{m.N}) | {m.Threads} | {m.GflopsPerSecond:F1} |");
        sb.AppendLine();
        sb.AppendLine("| model | mode | threads | real tokens/s | achieved GFLOP/s | peak at model shapes | achieved/peak | padding |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var t in Throughput)
        {
            double peak = PeakFor(t.Family, t.Threads);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {t.Family} | {t.Mode} | {t.Threads} | {t.TokensPerSecond:N0} | {t.GflopsPerSecond:F1} | {peak:F1} | {t.GflopsPerSecond / peak:F2} | {t.PaddingFraction:P1} |");
        }
        sb.AppendLine();
        foreach (var group in Throughput.GroupBy(t => (t.Family, t.Threads)))
        {
            var eval = group.Single(t => t.Mode == "eval");
            var tov = group.Single(t => t.Mode == "tov-score");
            // ToV runs every batch under two adapter states; per forward pass it should be as fast as evaluation.
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"- {group.Key.Family}, {group.Key.Threads} thread(s): ToV scoring per forward pass = {tov.TokensPerSecond * tov.ForwardsPerBatch / eval.TokensPerSecond:F2} × evaluation throughput.");
            foreach (var train in group.Where(t => t.Mode.StartsWith("train", StringComparison.Ordinal)))
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"- {group.Key.Family}, {group.Key.Threads} thread(s): a {train.Mode} step (LoRA 8, batch 16, AdamW) costs {eval.TokensPerSecond / train.TokensPerSecond:F2} × an evaluation forward per real token " +
                    $"({train.PaddingFraction:P0} padding vs {eval.PaddingFraction:P0}; {eval.TokensPerSecond / train.TokensPerSecond * (1 - train.PaddingFraction) / (1 - eval.PaddingFraction):F2} × per padded token).");
        }
        if (Breakdown.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Breakdown of an evaluation pass (timed with forward hooks on every linear layer; the hooks' own cost is inside \"other\"):");
            sb.AppendLine();
            sb.AppendLine("| model | threads | linear layers: share of time | linear layers: GFLOP/s (/peak) | outside them: share of FLOPs | outside them: share of time | outside them: GFLOP/s |");
            sb.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var b in Breakdown)
            {
                double peak = PeakFor(b.Family, b.Threads);
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {b.Family} | {b.Threads} | {b.LinearTimeShare:P0} | {b.LinearGflopsPerSecond:F1} ({b.LinearGflopsPerSecond / peak:F2}) | {b.OutsideFlopShare:P0} | {1 - b.LinearTimeShare:P0} | {b.OutsideGflopsPerSecond:F1} |");
            }
        }
        return sb.ToString();
    }

    /// <summary>The best matmul rate measured at this model's shapes with this many threads.</summary>
    private double PeakFor(string family, int threads) =>
        Matmul.Where(m => m.Threads == threads && m.Shape.StartsWith(family, StringComparison.Ordinal)).Max(m => m.GflopsPerSecond);
}

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

public static class Matmul
{
    public static MatmulResult Measure(MatmulShape shape, int threads, double seconds)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = randn(shape.M, shape.K);
        var b = randn(shape.K, shape.N);
        for (int i = 0; i < 3; i++) matmul(a, b).Dispose();
        var clock = Stopwatch.StartNew();
        long runs = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            matmul(a, b).Dispose();
            runs++;
        }
        double gflops = runs * shape.Flops / clock.Elapsed.TotalSeconds / 1e9;
        Console.Error.WriteLine($"  matmul {shape.Name} {shape.M}×{shape.K}×{shape.N}: {gflops:F1} GFLOP/s");
        return new MatmulResult(shape.Name, shape.M, shape.K, shape.N, threads, gflops);
    }
}

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

/// <summary>Builds the tiny presets with a tokenizer trained on the bundled samples (random weights: speed does not depend on them).</summary>
public sealed class BenchModels : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "winnow-bench-" + Guid.NewGuid().ToString("N"));

    public BenchModels()
    {
        var ner = DatasetReader.Read([Path.Combine(Repo.Root, "samples", "ner", "pool")], new ReadOptions { Kind = TaskKind.Ner }).ToList();
        var ins = DatasetReader.Read([Path.Combine(Repo.Root, "samples", "instruct", "pool")], new ReadOptions { Kind = TaskKind.Instruction }).ToList();
        Families =
        [
            Build("ner-tiny", TaskKind.Ner, ner, ner.OfType<NerExample>().Select(e => string.Join(' ', e.Tokens)), SpecialTokens.Roberta, 32),
            Build("lm-tiny", TaskKind.Instruction, ins, ins.OfType<InstructionExample>().Select(e => e.Prompt + "\n" + e.Completion), SpecialTokens.Gpt2, 16),
        ];
    }

    public IReadOnlyList<BenchFamily> Families { get; }

    private BenchFamily Build(string name, TaskKind kind, List<Example> examples, IEnumerable<string> texts, SpecialTokens specials, int batchSize)
    {
        var dir = Path.Combine(_dir, name);
        var tokenizer = TokenizerTrainer.TrainAndSave(texts, dir, new TokenizerTrainerOptions { VocabSize = 4096, Specials = specials });
        LabelSet? labels = kind == TaskKind.Ner ? LabelSet.FromExamples(examples.OfType<NerExample>()) : null;
        IModelConfig config = kind == TaskKind.Ner
            ? ModelPresets.Bert("tiny", tokenizer.VocabSize, labels!.Labels, tokenizer.Pad ?? 0)
            : ModelPresets.Llama("tiny", tokenizer.VocabSize);
        using (var fresh = ModelFactory.Create(config, seed: 1)) ModelCheckpoint.Save(fresh, dir);
        var model = TaskModel.Load(dir, kind, labels, new TaskModelOptions { MaxLength = 256 });
        return new BenchFamily(name, model, model.EncodeAll(examples), batchSize);
    }

    public void Dispose()
    {
        foreach (var f in Families) f.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

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

public static class Repo
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Winnow.slnx"))) return dir.FullName;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Winnow.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("Run the benchmark from inside the Winnow clone.");
    }

    public static string Commit()
    {
        try
        {
            var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { WorkingDirectory = Root, RedirectStandardOutput = true })!;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return commit;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}

public static class Machine
{
    public static string Describe()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        return $"{cpu}, {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, libtorch {torch.__version__}";
    }

    public static string ShortName() => $"{Environment.ProcessorCount}core";
}
