using System.Diagnostics;
using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Runs;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tokenization;
using Winnow.Torch.Training;

namespace Winnow.Torch.Pretraining;

/// <summary>
/// Builds a small base model on CPU from public text: trains a byte-level BPE tokenizer sized for the model, then
/// pre-trains a Llama (causal LM) or BERT (masked LM) preset, measures held-out loss along the way, and saves a
/// Hugging Face folder. Results are cached by content hash under the cache root.
/// <para>
/// The work happens in <c>&lt;folder&gt;.partial</c>: the tokenizer first, then a checkpoint every few minutes
/// (model, AdamW moments, trainer state with the data position, libtorch's RNG, the curve so far). A run that is
/// cancelled writes one more checkpoint; a run that is killed loses at most the minutes since the last. With
/// <see cref="PretrainRunSettings.Resume"/> the next call continues from there and trains exactly the steps the
/// uninterrupted run would have (same batches, same dropout draws), so it ends with the same weights. The folder is
/// renamed to its final name only when the model and its report are complete.
/// </para>
/// </summary>
public static class Pretrainer
{
    public const string ReportFile = "pretrain-report.json";
    private const string PartialSuffix = ".partial";
    private const string CheckpointsFolder = "checkpoints";
    private const string CurveFile = "pretrain-curve.json";
    private const string LockFile = ".lock";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The folder the model for these inputs lands in (whether or not it exists yet).</summary>
    public static string ModelDirectory(IReadOnlyList<string> corpusPaths, string cacheRoot, PretrainOptions options)
    {
        options.Validate();
        var key = ContentHash.OfText(ContentHash.OfPaths(corpusPaths) + JsonSerializer.Serialize(options))[..16];
        return Path.Combine(cacheRoot, $"{options.Family.ToString().ToLowerInvariant()}-{options.Preset}-{key}");
    }

    /// <summary>
    /// Copies the committed model that <paramref name="directory"/> names into the cache, when one of
    /// <paramref name="folders"/> has it (through a side folder moved into place, so a half-copied folder never looks
    /// complete); the cache then holds it as if pre-trained here.
    /// </summary>
    private static void CopyCommitted(string directory, IReadOnlyList<string> folders, IProgress<string>? log)
    {
        var name = Path.GetFileName(directory);
        var source = folders.Select(f => Path.Combine(f, name)).FirstOrDefault(s => File.Exists(Path.Combine(s, ReportFile)));
        if (source is null) return;
        var side = SideFolder(directory, "copying");
        Directory.CreateDirectory(side);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(side, Path.GetFileName(file)));
        MoveIntoPlace(side, directory, ReportFile);
        log?.Report($"Using the base model committed with Winnow ({source}), copied to {directory}");
    }

    /// <summary>A fresh folder beside <paramref name="folder"/> to build it in (this process's; a leftover of an earlier run is removed).</summary>
    private static string SideFolder(string folder, string what)
    {
        var side = $"{folder}.{what}-{Environment.ProcessId}";
        if (Directory.Exists(side)) Directory.Delete(side, recursive: true);
        return side;
    }

    /// <summary>
    /// Renames a finished side folder to <paramref name="folder"/>; when another process finished the same folder first
    /// (its <paramref name="marker"/> file is there), that one is kept and the side folder removed.
    /// </summary>
    private static void MoveIntoPlace(string side, string folder, string marker)
    {
        try
        {
            Directory.Move(side, folder);
        }
        catch (IOException) when (File.Exists(Path.Combine(folder, marker)))
        {
            Directory.Delete(side, recursive: true);
        }
    }

    public static PretrainReport Run(
        IReadOnlyList<string> corpusPaths,
        string cacheRoot,
        PretrainOptions options,
        IProgress<string>? log = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default,
        PretrainRunSettings? run = null)
    {
        options.Validate();
        run = (run ?? new PretrainRunSettings()).Validate();
        var corpusHash = ContentHash.OfPaths(corpusPaths);
        var directory = ModelDirectory(corpusPaths, cacheRoot, options);
        if (!File.Exists(Path.Combine(directory, ReportFile))) CopyCommitted(directory, run.CommittedModelFolders, log);
        if (File.Exists(Path.Combine(directory, ReportFile)))
        {
            var cached = JsonSerializer.Deserialize<PretrainReport>(File.ReadAllText(Path.Combine(directory, ReportFile)))!;
            log?.Report($"Using the cached base model {directory}");
            return cached with { Directory = directory, FromCache = true };
        }

        var partial = directory + PartialSuffix;
        var checkpoints = Path.Combine(partial, CheckpointsFolder);
        bool stopped = Directory.Exists(partial);
        Directory.CreateDirectory(partial);
        // The lock first: a folder another process is working in is not a stopped run.
        using var runLock = Lock(partial, log);
        if (stopped && !run.Resume)
        {
            var at = Trainer.LatestCheckpoint(checkpoints) is { } c ? $" (last checkpoint: {Path.GetFileName(c)})" : " (no checkpoint yet)";
            throw new PretrainRunException(
                $"A stopped pre-training run of this corpus and these options is at {partial}{at}: pass --resume to continue it, or delete that folder to start over.");
        }

        var (train, heldOut) = ReadCorpus(corpusPaths, options, log, cancellationToken);
        if (!File.Exists(Path.Combine(partial, "tokenizer_config.json")))
        {
            var shared = EnsureTokenizer(cacheRoot, corpusHash, options, train, log);
            foreach (var file in Directory.EnumerateFiles(shared).OrderBy(f => Path.GetFileName(f) == "tokenizer_config.json" ? 1 : 0))
                File.Copy(file, Path.Combine(partial, Path.GetFileName(file)), overwrite: true);
        }
        // Both a fresh and a resumed run read the tokenizer back from disk, so they encode with the very same one.
        var tokenizer = TokenizerLoader.Load(partial);

        using var model = ModelFactory.Create(Config(options, tokenizer), options.Seed);
        var (trainSet, heldOutSet) = Encode(options, tokenizer, train, heldOut, TokenizerFolder(cacheRoot, corpusHash, options), log, cancellationToken);
        var collator = Collator.For(tokenizer);
        var probe = heldOutSet.Take(run.EvalProbeExamples).ToList();
        var reported = heldOutSet.Count > run.EvalReportExamples ? heldOutSet.Take(run.EvalReportExamples).ToList() : heldOutSet;
        long tokensPerEpoch = trainSet.Sum(e => (long)e.Length);
        int batchesPerEpoch = (trainSet.Count + options.BatchSize - 1) / options.BatchSize;
        double tokensPerStep = (double)tokensPerEpoch / Math.Max(1, batchesPerEpoch);
        // Ten probe points: each costs about a training step's forward passes, negligible over a long run.
        int evalEvery = run.EvalEverySteps ?? Math.Max(1, options.Steps / 10);

        var training = new TrainingOptions
        {
            LearningRate = options.LearningRate,
            WarmupFraction = options.WarmupFraction,
            BatchSize = options.BatchSize,
            Epochs = int.MaxValue,
            MaxSteps = options.Steps,
            WeightDecay = 0.01,
            Seed = options.Seed,
            CheckpointDirectory = checkpoints,
            CheckpointEverySeconds = run.CheckpointEverySeconds,
            CheckpointEverySteps = run.CheckpointEverySteps,
            KeepLastCheckpoints = 1,
        };
        using var trainer = new Trainer(model.Module, model, training, options.Steps);
        var state = ResumeInto(model, trainer, checkpoints, log);
        if (state is null)
        {
            double untrained = HeldOutLoss(model, reported, collator);
            state = new CurveState(untrained, 0, 0, [new PretrainCurvePoint(0, 0, 0, HeldOutLoss(model, probe, collator))]);
            log?.Report($"Pre-training {options.Family} {options.Preset} ({model.ParameterCount():N0} parameters, {NonEmbeddingParameters(model):N0} outside the embeddings) " +
                $"for {options.Steps} steps of ≈{tokensPerStep:N0} tokens; held-out loss untrained {untrained:F3}");
        }
        else
        {
            state = state with { Resumes = state.Resumes + 1 };
        }

        var clock = Stopwatch.StartNew();
        double secondsBefore = state.Seconds;
        using var process = Process.GetCurrentProcess();
        var cpuAtStart = process.TotalProcessorTime;
        double cpuBefore = state.CpuSeconds;
        var curve = state.Points.ToList();
        double Seconds() => secondsBefore + clock.Elapsed.TotalSeconds;
        double CpuSeconds()
        {
            process.Refresh();
            return cpuBefore + (process.TotalProcessorTime - cpuAtStart).TotalSeconds;
        }
        void SaveCheckpointFiles(string dir)
        {
            ModelCheckpoint.Save(model, dir);
            var snapshot = state with { Seconds = Seconds(), CpuSeconds = CpuSeconds(), Points = curve.ToArray() };
            AtomicFile.WriteText(Path.Combine(dir, CurveFile), w => w.Write(JsonSerializer.Serialize(snapshot, Indented)));
        }
        void AfterStep(Trainer t)
        {
            int step = t.State.GlobalStep;
            if (step % evalEvery != 0 && step != options.Steps) return;
            double loss = HeldOutLoss(model, probe, collator);
            curve.Add(new PretrainCurvePoint(step, Seconds(), (long)Math.Round(step * tokensPerStep), loss, CpuSeconds()));
            double rate = step > 0 ? Seconds() / step : 0;
            var left = TimeSpan.FromSeconds(rate * (options.Steps - step));
            log?.Report($"step {step}/{options.Steps}: held-out loss {loss:F3}, {Seconds() / 60:F1} min so far, about {left:hh\\:mm\\:ss} left");
        }

        try
        {
            trainer.Fit(Batching.ForTraining(trainSet, collator, options.BatchSize, options.Seed), progress, cancellationToken,
                saveModel: SaveCheckpointFiles, afterStep: AfterStep);
        }
        catch (OperationCanceledException)
        {
            var saved = trainer.WriteCheckpointNow(SaveCheckpointFiles);
            log?.Report($"Stopped at step {trainer.State.GlobalStep}/{options.Steps}; checkpoint {saved}. Run the same command with --resume to continue.");
            throw;
        }

        double after = HeldOutLoss(model, reported, collator);
        log?.Report($"Held-out loss: untrained {state.Untrained:F3} → trained {after:F3}");
        ModelCheckpoint.Save(model, partial);
        var report = new PretrainReport(directory, false, options.Family.ToString().ToLowerInvariant(), options.Preset,
            model.ParameterCount(), tokenizer.VocabSize, train.Count, heldOut.Count, options.Steps, state.Untrained, after,
            Seconds(), corpusHash, NonEmbeddingParameters(model), tokensPerEpoch, (long)Math.Round(options.Steps * tokensPerStep),
            state.Resumes, curve, BytesPerToken(heldOut, heldOutSet), CpuSeconds()) { HeldOutEvaluated = reported.Count };
        AtomicFile.WriteText(Path.Combine(partial, ReportFile), w => w.Write(JsonSerializer.Serialize(report, Indented)));
        if (Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
        runLock.Dispose();
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.Move(partial, directory);
        return report;
    }

    /// <summary>
    /// The BPE tokenizer for this corpus, family and vocabulary size, trained once and cached under
    /// <c>tokenizers/</c>: it does not depend on the model size, so presets compared on one corpus share it (training
    /// it on ~100k texts takes minutes).
    /// </summary>
    private static string TokenizerFolder(string cacheRoot, string corpusHash, PretrainOptions options)
    {
        var key = ContentHash.OfText($"{corpusHash}|{options.Family}|{options.VocabSize}|{options.MaxTexts}|{options.HeldOutFraction}")[..16];
        return Path.Combine(cacheRoot, "tokenizers", $"{options.Family.ToString().ToLowerInvariant()}-{options.VocabSize}-{key}");
    }

    private static string EnsureTokenizer(string cacheRoot, string corpusHash, PretrainOptions options, List<string> train, IProgress<string>? log)
    {
        var folder = TokenizerFolder(cacheRoot, corpusHash, options);
        if (File.Exists(Path.Combine(folder, "tokenizer_config.json"))) return folder;
        log?.Report($"Training a {options.VocabSize}-token BPE tokenizer on {train.Count} texts…");
        // Trained into a side folder and renamed whole, so a kill here never leaves half a tokenizer behind.
        var side = SideFolder(folder, "building");
        var specials = options.Family == PretrainFamily.Lm ? SpecialTokens.Gpt2 : SpecialTokens.Roberta;
        TokenizerTrainer.TrainAndSave(train, side, new TokenizerTrainerOptions { VocabSize = options.VocabSize, Specials = specials });
        MoveIntoPlace(side, folder, "tokenizer_config.json");
        return folder;
    }

    // Held-out text bytes over the tokens the held-out set encodes to (special tokens included, so slightly low).
    private static double BytesPerToken(List<string> texts, IReadOnlyList<EncodedExample> encoded)
    {
        long tokens = encoded.Sum(e => (long)e.Length);
        return tokens == 0 ? 0 : texts.Sum(t => (long)System.Text.Encoding.UTF8.GetByteCount(t)) / (double)tokens;
    }

    /// <summary>What the curve file of a checkpoint holds besides the trainer's own state.</summary>
    private sealed record CurveState(double Untrained, double Seconds, int Resumes, IReadOnlyList<PretrainCurvePoint> Points, double CpuSeconds = 0);

    // Loads the newest complete checkpoint into the model and trainer; null when there is none (a fresh start).
    private static CurveState? ResumeInto(IPretrainedModel model, Trainer trainer, string checkpoints, IProgress<string>? log)
    {
        if (Trainer.LatestCheckpoint(checkpoints) is not { } latest) return null;
        ModelCheckpoint.LoadWeights(model, latest);
        trainer.LoadState(latest);
        var state = JsonSerializer.Deserialize<CurveState>(File.ReadAllText(Path.Combine(latest, CurveFile)))
            ?? throw new InvalidDataException($"{Path.Combine(latest, CurveFile)} is empty.");
        log?.Report($"Resuming from {latest}: step {trainer.State.GlobalStep}/{trainer.TotalSteps}, {state.Seconds / 60:F1} min trained so far");
        return state;
    }

    // One process at a time per run folder: a second one stops with one line naming the holder instead of racing on
    // checkpoints; a lock left by a killed run is recovered (Winnow.Core.IO.FileLock, shared with every run folder).
    private static FileLock Lock(string partial, IProgress<string>? log)
    {
        try
        {
            return FileLock.Acquire(Path.Combine(partial, LockFile), partial, log);
        }
        catch (FileLockException e)
        {
            throw new PretrainRunException(e.Message);
        }
    }

    /// <summary>Parameters outside the token embeddings (and a tied output layer): the size that sets a model's compute per token.</summary>
    public static long NonEmbeddingParameters(IPretrainedModel model) =>
        model.Module.named_parameters()
            .DistinctBy(p => p.parameter.Handle)
            .Where(p => !p.name.Contains("embed_tokens") && !p.name.Contains("word_embeddings") && !p.name.Contains("lm_head"))
            .Sum(p => p.parameter.numel());

    /// <summary>
    /// The default corpus. NER: the shared NER sets' training files (never dev/test). Causal LM: the shared
    /// instruction sets people train on (T0 templates, GPTeacher, self-instruct, AlpacaEval's outputs) plus the NER
    /// sets' training text as general prose. FLAN chain-of-thought stays out: the instruction studies draw their
    /// targets and test rows from it, and a base model that had read the test rows would judge nothing. The
    /// evaluation sets (MMLU/BBH/TyDiQA targets, MT-Bench) stay out for the same reason.
    /// </summary>
    public static IReadOnlyList<string> DefaultCorpus(PretrainFamily family, string sharedData)
    {
        var ner = Path.Combine(sharedData, "ner");
        var nerTraining = Directory.Exists(ner)
            // Held-out splits stay unseen even as raw text, so test sets built from them are never pre-trained on.
            ? Directory.EnumerateFiles(ner, "*", SearchOption.AllDirectories)
                .Where(f => !IsHeldOutSplit(f) && !Path.GetFileName(f).StartsWith("LICENSE", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToArray()
            : [];
        if (family == PretrainFamily.Ner) return nerTraining;
        var instruct = Path.Combine(sharedData, "instruct");
        if (!Directory.Exists(instruct)) return [];
        return new[] { "alpaca-eval", "gpteacher", "self-instruct", "t0-templates" }
            .Select(d => Path.Combine(instruct, d)).Where(Directory.Exists)
            .Concat(nerTraining).ToArray();
    }

    private static bool IsHeldOutSplit(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path).ToLowerInvariant();
        var parent = Path.GetFileName(Path.GetDirectoryName(path))?.ToLowerInvariant() ?? "";
        return name.Contains("test") || name.Contains("dev") || parent is "test" or "dev";
    }

    private static (List<string> Train, List<string> HeldOut) ReadCorpus(IReadOnlyList<string> paths, PretrainOptions options, IProgress<string>? log, CancellationToken cancellationToken)
    {
        if (paths.Count == 0) throw new ArgumentException("No pre-training corpus: give files or folders of text data.");
        var report = new ReadReport();
        // A masked LM reads NER sentences only; a causal LM reads any text, instruction rows and NER sentences alike.
        TaskKind? kind = options.Family == PretrainFamily.Lm ? null : TaskKind.Ner;
        // Pre-training wants raw text only; unreadable files (e.g. empty ones) are counted and reported, not fatal.
        var read = new ReadOptions { Kind = kind, SkipInvalid = true };
        var train = new List<string>();
        var heldOut = new List<string>();
        foreach (var example in DatasetReader.Read(paths, read, report).Take(options.MaxTexts))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var text = example switch
            {
                NerExample ner => string.Join(' ', ner.Tokens),
                InstructionExample ins => ins.Prompt + "\n" + ins.Completion,
                _ => "",
            };
            if (text.Length == 0) continue;
            bool hold = ContentHash.OfText(example.Source + "\0" + example.Id)[0] < (char)('0' + (int)Math.Round(options.HeldOutFraction * 16));
            (hold ? heldOut : train).Add(text);
        }
        if (report.Skipped > 0) log?.Report($"Skipped {report.Skipped} unreadable items in the corpus ({string.Join(", ", report.SkippedByReason.Select(kv => $"{kv.Key}: {kv.Value}"))}).");
        if (train.Count < 10 || heldOut.Count == 0)
            throw new ArgumentException($"The pre-training corpus is too small: {train.Count} training and {heldOut.Count} held-out texts.");
        return (train, heldOut);
    }

    private static IModelConfig Config(PretrainOptions options, WinnowTokenizer tokenizer) => options.Family switch
    {
        PretrainFamily.Lm => ModelPresets.Llama(options.Preset, tokenizer.VocabSize) with
        {
            BosTokenId = tokenizer.Bos, EosTokenId = tokenizer.Eos, PadTokenId = tokenizer.Pad,
        },
        _ => ModelPresets.Bert(options.Preset, tokenizer.VocabSize, labels: null, padTokenId: tokenizer.Pad ?? 0),
    };

    private static (List<EncodedExample> Train, List<EncodedExample> HeldOut) Encode(
        PretrainOptions options, WinnowTokenizer tokenizer, List<string> train, List<string> heldOut, string tokenizerFolder, IProgress<string>? log,
        CancellationToken cancellationToken)
    {
        if (options.Family == PretrainFamily.Lm)
        {
            // Packed windows depend on corpus, tokenizer and window length only: cached beside the shared tokenizer, so
            // other presets and resumed runs skip re-encoding (minutes for the full corpus).
            var cache = Path.Combine(tokenizerFolder, $"windows-{options.SequenceLength}.bin");
            if (File.Exists(cache) && ReadWindows(cache) is { } cached) return cached;
            log?.Report($"Encoding {train.Count + heldOut.Count} texts into {options.SequenceLength}-token windows…");
            var lm = new CausalLmEncoder(tokenizer, new CausalLmEncodingOptions { MaxLength = options.SequenceLength });
            IEnumerable<string> Checked(List<string> texts) => texts.Select(t => { cancellationToken.ThrowIfCancellationRequested(); return t; });
            var encoded = (lm.Pack(Checked(train), "train-").ToList(), lm.Pack(Checked(heldOut), "held-").ToList());
            if (Directory.Exists(tokenizerFolder)) WriteWindows(cache, encoded.Item1, encoded.Item2);
            return encoded;
        }
        var mlm = new MaskedLmEncoder(tokenizer, new MaskedLmEncodingOptions { MaxLength = options.SequenceLength, Seed = options.Seed });
        List<EncodedExample> Masked(List<string> texts, string prefix) =>
            texts.Select((t, i) => mlm.Encode($"{prefix}{i}", t)).Where(r => r.IsEncoded).Select(r => r.Example!).ToList();
        return (Masked(train, "train-"), Masked(heldOut, "held-"));
    }

    // Layout: train count, held-out count, then per window its length and token ids (little-endian int32).
    private static void WriteWindows(string path, List<EncodedExample> train, List<EncodedExample> heldOut) =>
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            w.Write(train.Count);
            w.Write(heldOut.Count);
            foreach (var e in train.Concat(heldOut))
            {
                w.Write(e.InputIds.Length);
                foreach (int id in e.InputIds) w.Write(id);
            }
        });

    private static (List<EncodedExample>, List<EncodedExample>)? ReadWindows(string path)
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            int trainCount = r.ReadInt32(), heldCount = r.ReadInt32();
            List<EncodedExample> Read(int count, string prefix)
            {
                var list = new List<EncodedExample>(count);
                for (int i = 0; i < count; i++)
                {
                    var ids = new int[r.ReadInt32()];
                    for (int t = 0; t < ids.Length; t++) ids[t] = r.ReadInt32();
                    list.Add(InstructionEncoder.CausalTargets($"{prefix}{i}", ids, 1));
                }
                return list;
            }
            var train = Read(trainCount, "train-");
            var held = Read(heldCount, "held-");
            return r.BaseStream.Position == r.BaseStream.Length ? (train, held) : null;
        }
        catch (EndOfStreamException)
        {
            return null; // cut short: encoded again and rewritten
        }
    }

    private static double HeldOutLoss(IPretrainedModel model, IReadOnlyList<EncodedExample> heldOut, Collator collator)
    {
        var evaluator = new Evaluator(model.Module, model);
        return evaluator.Evaluate(Batching.ForEvaluation(heldOut, collator, 64), heldOut.Count).MeanLoss;
    }
}
