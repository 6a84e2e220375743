using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<long>;
using TorchSharp;
using Winnow.Core.Data;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Modeling.Catalog;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Winnow.Bench;

/// <summary>
/// Issue 15, parts 1–2, on the real encoder (minilm-l6): forward throughput of ONNX Runtime on the original ONNX, of
/// Winnow's encoder body, of Winnow's evaluation pass and of ToV's scoring pass (two adapter states), on the same
/// batches of real pool sentences; a component breakdown of the evaluation pass; training-step throughput (full,
/// LoRA, LoRA with frozen embeddings; ToV's fit with random and with length-bucketed batches) split into forward,
/// backward and optimizer.
/// </summary>
public sealed class EncoderBench(EncoderSettings settings, string workRoot)
{
    public const string ModelName = "minilm-l6";

    private readonly List<string> _notes = [];

    public EncoderReport Run(string command, bool tuneAllocator)
    {
        settings.Validate();
        bool tuned = tuneAllocator && Winnow.Torch.Runtime.TorchRuntime.KeepFreedMemory();
        _notes.Add(tuned
            ? "Allocator: TorchRuntime.KeepFreedMemory() (glibc keeps freed tensor memory: mmap threshold 32 MiB, no trimming), as the CLI runs."
            : "Allocator: glibc defaults (run with --default-allocator): every few-MB tensor is a fresh mmap.");
        string load = CostBench.LoadAverage();
        var builtin = ModelCatalog.Find(ModelName)!;
        var (onnx, _) = BundledOnnx.Read(builtin.Assembly!);
        string cache = Environment.GetEnvironmentVariable("WINNOW_CACHE") is { Length: > 0 } c ? c
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "winnow");
        var modelDir = ModelCatalog.Resolve(ModelName, new ModelCatalogContext(Path.Combine(cache, "models"), StudyPool.SharedData) { Log = new Progress<string>(Log) });
        var pool = StudyPool.Write(Path.Combine(workRoot, "study-pool"));
        var labels = StudyPool.Labels();
        var sample = StudyPool.Sample(pool, settings.Sentences);

        using var eval = Load(modelDir, labels);
        var encoded = eval.EncodeAll(sample).Encoded;
        var lengths = encoded.Select(e => e.Length).Order().ToArray();
        string lengthSummary = string.Create(CultureInfo.InvariantCulture,
            $"{encoded.Count} encoded, lengths (tokens incl. [CLS]/[SEP]) mean {lengths.Average():F1}, median {lengths[lengths.Length / 2]}, p90 {lengths[lengths.Length * 9 / 10]}, max {lengths[^1]}");
        Log(lengthSummary);
        var batchSets = new Dictionary<string, int[][]>
        {
            ["bucketed"] = Batching.ForEvaluation(encoded, eval.Collator, settings.BatchSize).Select(b => b.Indices).ToArray(),
            ["padded"] = Enumerable.Range(0, encoded.Count).Chunk(settings.BatchSize).ToArray(),
        };

        var forward = new List<EncoderForwardResult>();
        var breakdown = new List<EncoderComponent>();
        var training = new List<EncoderTrainResult>();
        using var tov = Load(modelDir, labels);
        using var states = TovStates(tov.Model, 2);
        // ToV's scoring at its L = 4 (8 adapter states) with LoRA on every block, and on the top 2 blocks with the 4
        // below run once per batch (lora_layers, the NER default since 2026-12-01): the same rows, 8 states each.
        var needEight = settings.Engines is null || settings.Engines.Contains("tov-score-8") || settings.Engines.Contains("tov-score-top2-8");
        using var tovAll8 = needEight ? Load(modelDir, labels) : null;
        using var tovTop8 = needEight ? Load(modelDir, labels) : null;
        using var all8 = needEight ? TovStates(tovAll8!.Model, 8) : null;
        using var top8 = needEight ? TovStates(tovTop8!.Model, 8, LoraOptions.TopLayers(2, tovTop8!.Model.Config.NumHiddenLayers)) : null;
        foreach (int threads in settings.Threads)
        {
            torch.set_num_threads(threads);
            Log($"== {threads} thread(s), load {CostBench.LoadAverage()}");
            if (settings.Parts.Contains("matmul"))
            {
                // libtorch's fp32 GEMM at the MLP's shape (rows = a typical bucketed batch): the rate every linear layer runs at.
                var m = Matmul.Measure(new MatmulShape("minilm-mlp-up", 1024, 384, 1536), threads, settings.Seconds / 2);
                _notes.Add(string.Create(CultureInfo.InvariantCulture, $"libtorch fp32 matmul 1024×384×1536, {threads} thread(s): {m.GflopsPerSecond:F1} GFLOP/s"));
                foreach (var (rows, inF, outF) in new[] { (1024L, 384L, 1536L), (1024L, 1536L, 384L), (1024L, 384L, 384L) })
                {
                    using var scope = NewDisposeScope();
                    using var noGrad = no_grad();
                    var xs = randn(rows, inF);
                    var w = randn(outF, inF);
                    var b = randn(outF);
                    var w4 = w.view(outF, inF, 1, 1);
                    double Rate(Func<Tensor> f)
                    {
                        for (int i = 0; i < 3; i++) f().Dispose();
                        var clock = Stopwatch.StartNew();
                        int n = 0;
                        while (clock.Elapsed.TotalSeconds < settings.Seconds / 4) { f().Dispose(); n++; }
                        return 2.0 * rows * inF * outF * n / clock.Elapsed.TotalSeconds / 1e9;
                    }
                    double lin = Rate(() => F.linear(xs, w, b));
                    double conv = Rate(() => F.conv2d(xs.view(rows, inF, 1, 1), w4, b).view(rows, outF));
                    var diff = (F.linear(xs, w, b) - F.conv2d(xs.view(rows, inF, 1, 1), w4, b).view(rows, outF)).abs().max().item<float>();
                    Log($"  {rows}×{inF}×{outF} {threads}t: linear (MKL) {lin:F1} GFLOP/s, 1×1 conv2d (oneDNN) {conv:F1} GFLOP/s, max diff {diff:E2}");
                }
            }
            if (settings.Parts.Contains("forward"))
            {
                using var ort = OrtSession(onnx, threads);
                foreach (var (name, batches) in batchSets.Where(b => settings.BatchSets.Contains(b.Key)))
                {
                    Measure(forward, "onnxruntime", name, threads, 1, encoded, batches, () => RunOrt(ort, encoded, batches, eval.Collator.PadId));
                    Measure(forward, "winnow-body", name, threads, 1, encoded, batches, () => RunBody(eval, encoded, batches, inferenceMode: false));
                    Measure(forward, "winnow-body-inference-mode", name, threads, 1, encoded, batches, () => RunBody(eval, encoded, batches, inferenceMode: true));
                    Measure(forward, "winnow-eval", name, threads, 1, encoded, batches, () => RunEval(eval, encoded, batches));
                    Measure(forward, "tov-score-unmerged", name, threads, 2, encoded, batches, () => RunTov(tov, states, encoded, batches, merged: false));
                    Measure(forward, "tov-score", name, threads, 2, encoded, batches, () => RunTov(tov, states, encoded, batches, merged: true));
                    if (needEight)
                    {
                        Measure(forward, "tov-score-8", name, threads, 8, encoded, batches, () => RunTov(tovAll8!, all8!, encoded, batches, merged: true));
                        Measure(forward, "tov-score-top2-8", name, threads, 8, encoded, batches, () => RunTov(tovTop8!, top8!, encoded, batches, merged: true));
                    }
                }
            }
            if (settings.Parts.Contains("breakdown"))
                breakdown.AddRange(Breakdown(eval, tov, encoded, batchSets["bucketed"], threads));
            if (settings.Parts.Contains("train"))
            {
                var trainExamples = encoded;
                training.Add(Train(modelDir, labels, trainExamples, threads, "full", lora: false, freezeEmbeddings: false, bucketed: true));
                training.Add(Train(modelDir, labels, trainExamples, threads, "full, frozen word embeddings (judge recipe)", lora: false, freezeEmbeddings: true, bucketed: true));
                training.Add(Train(modelDir, labels, trainExamples, threads, "LoRA r8", lora: true, freezeEmbeddings: false, bucketed: true));
                training.Add(Train(modelDir, labels, trainExamples, threads, "LoRA r8, frozen word embeddings", lora: true, freezeEmbeddings: true, bucketed: true));
                training.Add(Train(modelDir, labels, trainExamples, threads, "ToV fit (LoRA r8, dropout 0.2)", lora: true, freezeEmbeddings: false, bucketed: false));
                training.Add(Train(modelDir, labels, trainExamples, threads, "ToV fit (LoRA r8, dropout 0.2)", lora: true, freezeEmbeddings: false, bucketed: true));
            }
        }
        return new EncoderReport(Machine.Describe(), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), Repo.Commit(), command,
            $"{ModelName} ({eval.Model.ParameterCount(trainableOnly: false):N0} parameters incl. a {labels.Count}-label head)", settings, load, lengthSummary,
            forward, breakdown, training, _notes);
    }

    private TaskModel Load(string modelDir, LabelSet labels) =>
        TaskModel.Load(modelDir, TaskKind.Ner, labels, new TaskModelOptions { MaxLength = settings.MaxLength });

    /// <summary>
    /// LoRA as ToV applies it (rank 8, alpha 32, attention projections; on every block or on <paramref name="layers"/>),
    /// with <paramref name="count"/> non-trivial adapter states.
    /// </summary>
    private static StateList TovStates(IPretrainedModel model, int count, IReadOnlyList<int>? layers = null)
    {
        Lora.Apply(model, new LoraOptions { Rank = 8, Alpha = 32, Dropout = 0.2, LayersToTransform = layers });
        return new StateList(Enumerable.Range(1, count).Select(seed => RandomState(model, seed)).ToList());
    }

    private static AdapterState RandomState(IPretrainedModel model, int seed)
    {
        using (no_grad())
        {
            var generator = new Generator((ulong)seed);
            foreach (var p in Lora.AdapterParameters(model).Values) p.normal_(0, 0.02, generator);
        }
        return Lora.Snapshot(model);
    }

    private static InferenceSession OrtSession(byte[] onnx, int threads)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        return new InferenceSession(onnx, options);
    }

    private void Measure(List<EncoderForwardResult> results, string engine, string batchesName, int threads, int forwards, IReadOnlyList<EncodedExample> examples, int[][] batches, Action pass)
    {
        if (settings.Engines is null || settings.Engines.Contains(engine)) results.Add(Measure(engine, batchesName, threads, forwards, examples, batches, pass));
    }

    private EncoderForwardResult Measure(string engine, string batchesName, int threads, int forwards, IReadOnlyList<EncodedExample> examples, int[][] batches, Action pass)
    {
        long real = batches.Sum(b => b.Sum(i => (long)examples[i].Length));
        long padded = batches.Sum(b => (long)b.Length * b.Max(i => examples[i].Length));
        pass(); // warm-up: first-call allocations, ORT's arena, libtorch's kernels
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        int passes = 0;
        while (clock.Elapsed.TotalSeconds < settings.Seconds || passes == 0)
        {
            pass();
            passes++;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var result = new EncoderForwardResult(engine, batchesName, threads, forwards, passes, real, padded, seconds,
            (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        Log($"  {engine,-18} {batchesName,-8} {threads}t: {result.TokensPerSecond,10:N0} real tokens/s ({result.PerForwardTokensPerSecond:N0} per forward), padding {result.PaddingFraction:P1}, {passes} passes, {result.CoresUsed:F2} cores busy");
        return result;
    }

    private static void RunOrt(InferenceSession session, IReadOnlyList<EncodedExample> examples, int[][] batches, int padId)
    {
        foreach (var b in batches)
        {
            int rows = b.Length, t = b.Max(i => examples[i].Length);
            var ids = new long[rows * t];
            var mask = new long[rows * t];
            for (int r = 0; r < rows; r++)
            {
                var e = examples[b[r]].InputIds;
                for (int j = 0; j < t; j++)
                {
                    ids[r * t + j] = j < e.Length ? e[j] : padId;
                    mask[r * t + j] = j < e.Length ? 1 : 0;
                }
            }
            var inputs = new List<NamedOnnxValue>
            {
                NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor(ids, [rows, t])),
                NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor(mask, [rows, t])),
                NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor(new long[rows * t], [rows, t])),
            };
            using var results = session.Run(inputs, ["last_hidden_state"]);
        }
    }

    /// <summary>The encoder body only (last hidden state, what the ONNX graph outputs), under no_grad in eval mode.</summary>
    private static void RunBody(TaskModel task, IReadOnlyList<EncodedExample> examples, int[][] batches, bool inferenceMode)
    {
        var body = ((BertForTokenClassification)task.Model).Body;
        task.Model.Module.eval();
        using IDisposable mode = inferenceMode ? inference_mode() : no_grad();
        foreach (var b in batches)
        {
            using var scope = NewDisposeScope();
            var batch = task.Collator.Collate(b.Select(i => examples[i]).ToArray());
            body.call(batch.InputIds, batch.AttentionMask);
        }
    }

    private static void RunEval(TaskModel task, IReadOnlyList<EncodedExample> examples, int[][] batches)
    {
        var evaluator = new Evaluator(task.Model.Module, task.Model);
        evaluator.StreamTokenLogProbs(Indexed(task, examples, batches)).Sum(r => r.Count);
    }

    /// <summary>
    /// ToV scoring as the scorer runs it: each batch under every adapter state, the blocks below the lowest adapter
    /// run once per batch as TovRunModel does.
    /// </summary>
    private static void RunTov(TaskModel task, StateList states, IReadOnlyList<EncodedExample> examples, int[][] batches, bool merged)
    {
        var model = task.Model;
        Action<AdapterState> set = merged ? s => Lora.SetAdapterMerged(model, s) : s => Lora.SetAdapter(model, s);
        var scorer = new MultiStateTokenScorer(model.Module, model, states.States.Select(s => (Action)(() => set(s))).ToArray(), Lora.UnadaptedBottomLayers(model));
        scorer.Score(Indexed(task, examples, batches)).Sum(r => r.Count);
    }

    private static IEnumerable<IndexedBatch> Indexed(TaskModel task, IReadOnlyList<EncodedExample> examples, int[][] batches) =>
        batches.Select(b => new IndexedBatch(task.Collator.Collate(b.Select(i => examples[i]).ToArray()), b));

    /// <summary>
    /// Each component of the evaluation pass run on its own over every batch's shapes and all six layers, with the
    /// model's real weights: where the pass's time goes, and what a fused attention mask or merged LoRA weights would save.
    /// </summary>
    private IEnumerable<EncoderComponent> Breakdown(TaskModel eval, TaskModel tov, IReadOnlyList<EncodedExample> examples, int[][] batches, int threads)
    {
        var config = (BertConfig)eval.Model.Config;
        int layers = config.NumHiddenLayers, h = config.HiddenSize, inter = config.IntermediateSize, heads = config.NumAttentionHeads;
        var weights = eval.Model.Module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        Tensor W(string name) => weights["bert.encoder.layer.0." + name];
        var shapes = batches.Select(b => (Rows: (long)b.Length, T: (long)b.Max(i => examples[i].Length))).ToArray();
        var masks = batches.Select(b => eval.Collator.Collate(b.Select(i => examples[i]).ToArray()).AttentionMask.DetachFromDisposeScope()).ToArray();
        using var noGrad = no_grad();

        double Time(Action<int> perBatch)
        {
            for (int i = 0; i < shapes.Length; i++) using (NewDisposeScope()) perBatch(i); // warm-up
            var clock = Stopwatch.StartNew();
            int reps = 0;
            while (clock.Elapsed.TotalSeconds < settings.Seconds / 4 || reps == 0)
            {
                for (int i = 0; i < shapes.Length; i++) using (NewDisposeScope()) perBatch(i);
                reps++;
            }
            return clock.Elapsed.TotalSeconds / reps;
        }
        EncoderComponent C(string name, double seconds)
        {
            Log($"  breakdown {threads}t: {name}: {seconds:F3}s per pass");
            return new EncoderComponent(name, threads, seconds);
        }
        var x = shapes.Select(s => randn(s.Rows, s.T, h).DetachFromDisposeScope()).ToArray();
        var hInter = shapes.Select(s => randn(s.Rows, s.T, inter).DetachFromDisposeScope()).ToArray();
        var results = new List<EncoderComponent>();
        try
        {
            var evaluator = new Evaluator(eval.Model.Module, eval.Model);
            double whole = Time(i => evaluator.StreamTokenLogProbs(Indexed(eval, examples, [batches[i]])).Sum(r => r.Count));
            results.Add(C("whole evaluation pass", whole));
            var body = ((BertForTokenClassification)eval.Model).Body;
            eval.Model.Module.eval();
            results.Add(C("encoder body alone (what ONNX Runtime runs)", Time(i =>
            {
                var batch = eval.Collator.Collate(batches[i].Select(j => examples[j]).ToArray());
                body.call(batch.InputIds, batch.AttentionMask);
            })));
            results.Add(C("embeddings (3 lookups + LayerNorm)", Time(i =>
            {
                var batch = eval.Collator.Collate(batches[i].Select(j => examples[j]).ToArray());
                body.Embeddings.call(batch.InputIds, batch.AttentionMask);
            })));
            results.Add(C("linear: Q, K, V, attention output (4 per layer)", layers * Time(i =>
            {
                foreach (var name in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
                    F.linear(x[i], W(name + ".weight"), W(name + ".bias"));
            })));
            var qkvWeight = cat([W("attention.self.query.weight"), W("attention.self.key.weight"), W("attention.self.value.weight")], 0).DetachFromDisposeScope();
            var qkvBias = cat([W("attention.self.query.bias"), W("attention.self.key.bias"), W("attention.self.value.bias")], 0).DetachFromDisposeScope();
            results.Add(C("  (alternative) Q, K, V as one fused linear + attention output", layers * Time(i =>
            {
                F.linear(x[i], qkvWeight, qkvBias).chunk(3, -1);
                F.linear(x[i], W("attention.output.dense.weight"), W("attention.output.dense.bias"));
            })));
            qkvWeight.Dispose();
            qkvBias.Dispose();
            results.Add(C("linear: MLP up and down", layers * Time(i =>
            {
                F.linear(x[i], W("intermediate.dense.weight"), W("intermediate.dense.bias"));
                F.linear(hInter[i], W("output.dense.weight"), W("output.dense.bias"));
            })));
            results.Add(C("GELU (erf) on the MLP activations", layers * Time(i => F.gelu(hInter[i]))));
            var lnWeight = W("output.LayerNorm.weight");
            var lnBias = W("output.LayerNorm.bias");
            results.Add(C("residual add + LayerNorm (2 per layer)", 2 * layers * Time(i =>
                F.layer_norm(x[i].add(x[i]), [h], lnWeight, lnBias, config.LayerNormEps))));
            Tensor Heads(Tensor t, long rows, long len) => t.view(rows, len, heads, h / heads).transpose(1, 2);
            results.Add(C("attention mask [B,1,T,T] (once per batch)", Time(i => BuildMask(masks[i], square: true))));
            var squareMasks = masks.Select(m => BuildMask(m, square: true).DetachFromDisposeScope()).ToArray();
            var keyMasks = masks.Select(m => BuildMask(m, square: false).DetachFromDisposeScope()).ToArray();
            results.Add(C("attention core: heads split, SDPA with [B,1,T,T] bool mask, merge", layers * Time(i =>
            {
                var (rows, len) = shapes[i];
                var q = Heads(x[i], rows, len);
                F.scaled_dot_product_attention(q, q, q, squareMasks[i]).transpose(1, 2).reshape(rows, len, h);
            })));
            results.Add(C("  (alternative) SDPA with a [B,1,1,T] key-padding mask", layers * Time(i =>
            {
                var (rows, len) = shapes[i];
                var q = Heads(x[i], rows, len);
                F.scaled_dot_product_attention(q, q, q, keyMasks[i]).transpose(1, 2).reshape(rows, len, h);
            })));
            results.Add(C("  (alternative) SDPA without a mask (a batch with no padding)", layers * Time(i =>
            {
                var (rows, len) = shapes[i];
                var q = Heads(x[i], rows, len);
                F.scaled_dot_product_attention(q, q, q).transpose(1, 2).reshape(rows, len, h);
            })));
            var loraLayer = Lora.Layers(tov.Model).First().Layer;
            var scaling = loraLayer.Scaling;
            results.Add(C("LoRA path, unmerged (4 adapted layers per layer: A, B, scale, add) — per forward of ToV scoring", layers * 4 * Time(i =>
                x[i].add(F.linear(F.linear(x[i], loraLayer.A), loraLayer.B).mul(scaling)))));
            foreach (var m in squareMasks.Concat(keyMasks)) m.Dispose();
        }
        finally
        {
            foreach (var t in x.Concat(hInter).Concat(masks)) t.Dispose();
        }
        return results;
    }

    /// <summary>As ModelingOps.AttentionMask builds it (square: key mask OR the diagonal), or the key-padding mask alone.</summary>
    private static Tensor BuildMask(Tensor attentionMask, bool square)
    {
        long t = attentionMask.shape[1];
        var keyReal = attentionMask.to_type(ScalarType.Bool).view(attentionMask.shape[0], 1, 1, t);
        return square ? keyReal.logical_or(eye(t, dtype: ScalarType.Bool)) : keyReal;
    }

    /// <summary>
    /// Training steps on a fresh copy of the model, timed per phase: forward (with the loss), backward, and the
    /// optimizer (gradient scaling, clipping, AdamW), as <see cref="Trainer"/> runs them.
    /// </summary>
    private EncoderTrainResult Train(string modelDir, LabelSet labels, IReadOnlyList<EncodedExample> examples, int threads, string mode, bool lora, bool freezeEmbeddings, bool bucketed)
    {
        using var task = Load(modelDir, labels);
        var model = task.Model;
        if (lora) Lora.Apply(model, new LoraOptions { Rank = 8, Alpha = 32, Dropout = mode.StartsWith("ToV", StringComparison.Ordinal) ? 0.2 : 0.0 });
        if (freezeEmbeddings)
            foreach (var (name, p) in model.Module.named_parameters())
                if (name.EndsWith("word_embeddings.weight", StringComparison.Ordinal)) p.requires_grad = false;
        var named = AdamWOptimizer.Trainable(model.Module).ToArray();
        var trainable = named.Select(p => p.Parameter).ToArray();
        using var optimizer = new AdamWOptimizer(named);
        long trainableCount = trainable.Sum(p => p.numel());
        int batchSize = settings.TrainBatchSize;
        var source = bucketed
            ? Batching.ForTraining(examples, task.Collator, batchSize, seed: 0)
            : BatchSource.FromExamples(examples, batchSize, b => task.Collator.Collate(b), 0);
        model.Module.train();
        double fwd = 0, bwd = 0, opt = 0;
        long real = 0, padded = 0;
        int steps = 0;
        var clock = new Stopwatch();
        void Step(Batch batch, bool count)
        {
            var t0 = Stopwatch.GetTimestamp();
            optimizer.ZeroGrad();
            var loss = Losses.MeanExampleLoss(model.TargetLogProbs(batch), batch.TargetMask);
            loss.Value.item<float>();
            var t1 = Stopwatch.GetTimestamp();
            using (Scalar included = loss.IncludedExamples) loss.Value.mul(included).backward();
            var t2 = Stopwatch.GetTimestamp();
            using (no_grad())
            using (Scalar scale = 1.0 / loss.IncludedExamples)
                foreach (var g in trainable.Select(p => p.grad).OfType<Tensor>()) g.mul_(scale);
            GradientClipping.ClipByGlobalNorm(trainable, 1.0);
            optimizer.Step(1e-5);
            optimizer.ZeroGrad();
            var t3 = Stopwatch.GetTimestamp();
            if (!count) return;
            fwd += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
            bwd += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
            opt += Stopwatch.GetElapsedTime(t2, t3).TotalSeconds;
            real += batch.AttentionMask.sum().item<long>();
            padded += batch.InputIds.numel();
            steps++;
        }
        bool warm = false;
        for (int epoch = 0; !warm || clock.Elapsed.TotalSeconds < settings.Seconds || steps < 3; epoch++)
        {
            using var epochBatches = source.ForEpoch(epoch).GetEnumerator();
            while (true)
            {
                using var scope = NewDisposeScope();
                if (!epochBatches.MoveNext()) break;
                if (!warm)
                {
                    Step(epochBatches.Current, count: false); // warm-up step: optimizer state allocated, kernels chosen
                    warm = true;
                    clock.Start();
                    continue;
                }
                Step(epochBatches.Current, count: true);
                if (clock.Elapsed.TotalSeconds >= settings.Seconds && steps >= 3) break;
            }
        }
        double seconds = fwd + bwd + opt;
        var result = new EncoderTrainResult(mode, bucketed ? "bucketed" : "random", threads, steps, real, padded, seconds, fwd, bwd, opt, trainableCount);
        Log($"  train {mode} ({result.Batches}) {threads}t: {result.TokensPerSecond:N0} real tokens/s, fwd {fwd / seconds:P0} bwd {bwd / seconds:P0} opt {opt / seconds:P0}, padding {result.PaddingFraction:P1}, {steps} steps");
        return result;
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}
