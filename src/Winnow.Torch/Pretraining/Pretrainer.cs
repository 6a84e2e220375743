using System.Diagnostics;
using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Runs;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.TaskEncoding;
using Winnow.Torch.Tokenization;
using Winnow.Torch.Training;

namespace Winnow.Torch.Pretraining;

/// <summary>Which kind of base model to pre-train.</summary>
public enum PretrainFamily
{
    /// <summary>A Llama-style causal LM (next-token objective), for instruction tuning.</summary>
    Lm,

    /// <summary>A BERT-style encoder (masked-LM objective); the NER head is added at fine-tuning time.</summary>
    Ner,
}

/// <summary>
/// Options for <see cref="Pretrainer"/>. Everything here (with the corpus' content hash) names the cache entry, so a
/// second call with the same inputs returns the cached model at once.
/// </summary>
public sealed record PretrainOptions
{
    public PretrainFamily Family { get; init; } = PretrainFamily.Ner;
    public string Preset { get; init; } = "tiny";
    public int VocabSize { get; init; } = 4096;

    /// <summary>Optimizer steps; the tiny presets reach a clear gain over an untrained model in a few hundred.</summary>
    public int Steps { get; init; } = 600;
    public int BatchSize { get; init; } = 32;

    /// <summary>Tokens per training window (causal LM) or longest sentence (masked LM).</summary>
    public int SequenceLength { get; init; } = 128;
    public double LearningRate { get; init; } = 1e-3;
    public double WarmupFraction { get; init; } = 0.05;

    /// <summary>At most this many texts are read from the corpus (a deterministic prefix of the sorted files).</summary>
    public int MaxTexts { get; init; } = 40_000;

    /// <summary>Share of texts held out (chosen by id hash) to measure the gain over an untrained model.</summary>
    public double HeldOutFraction { get; init; } = 0.05;
    public int Seed { get; init; }

    public PretrainOptions Validate()
    {
        if (!ModelPresets.Names.Contains(Preset)) throw new ArgumentException($"Unknown preset '{Preset}': expected {string.Join(", ", ModelPresets.Names)}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(VocabSize, 300, nameof(VocabSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Steps, nameof(Steps));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(SequenceLength, 16, nameof(SequenceLength));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTexts, nameof(MaxTexts));
        if (HeldOutFraction is <= 0 or >= 0.5) throw new ArgumentOutOfRangeException(nameof(HeldOutFraction), "Held-out fraction must be in (0, 0.5).");
        return this;
    }
}

/// <summary>What pre-training produced; also written as <c>pretrain-report.json</c> in the model folder.</summary>
public sealed record PretrainReport(
    string Directory,
    bool FromCache,
    string Family,
    string Preset,
    long Parameters,
    int VocabSize,
    int TrainTexts,
    int HeldOutTexts,
    int Steps,
    double HeldOutLossUntrained,
    double HeldOutLossTrained,
    double Seconds,
    string CorpusHash);

/// <summary>
/// Builds a small base model on CPU from public text: trains a byte-level BPE tokenizer sized for the model, then
/// pre-trains a Llama (causal LM) or BERT (masked LM) preset, measures held-out loss before and after, and saves a
/// Hugging Face folder. Results are cached by content hash under the cache root.
/// </summary>
public static class Pretrainer
{
    public const string ReportFile = "pretrain-report.json";

    public static PretrainReport Run(
        IReadOnlyList<string> corpusPaths,
        string cacheRoot,
        PretrainOptions options,
        IProgress<string>? log = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        var corpusHash = ContentHash.OfPaths(corpusPaths);
        var key = ContentHash.OfText(corpusHash + JsonSerializer.Serialize(options))[..16];
        var directory = Path.Combine(cacheRoot, $"{options.Family.ToString().ToLowerInvariant()}-{options.Preset}-{key}");
        if (File.Exists(Path.Combine(directory, ReportFile)))
        {
            var cached = JsonSerializer.Deserialize<PretrainReport>(File.ReadAllText(Path.Combine(directory, ReportFile)))!;
            log?.Report($"Using the cached base model {directory}");
            return cached with { Directory = directory, FromCache = true };
        }

        var watch = Stopwatch.StartNew();
        var (train, heldOut) = ReadCorpus(corpusPaths, options, log);
        // Built beside the final folder and renamed at the end, so a half-built model never looks cached.
        var building = directory + $".building-{Environment.ProcessId}";
        if (Directory.Exists(building)) Directory.Delete(building, recursive: true);
        Directory.CreateDirectory(building);
        try
        {
            log?.Report($"Training a {options.VocabSize}-token BPE tokenizer on {train.Count} texts…");
            var specials = options.Family == PretrainFamily.Lm ? SpecialTokens.Gpt2 : SpecialTokens.Roberta;
            var tokenizer = TokenizerTrainer.TrainAndSave(train, building, new TokenizerTrainerOptions { VocabSize = options.VocabSize, Specials = specials });

            using var model = ModelFactory.Create(Config(options, tokenizer), options.Seed);
            var (trainSet, heldOutSet) = Encode(options, tokenizer, train, heldOut);
            var collator = Collator.For(tokenizer);
            double before = HeldOutLoss(model, heldOutSet, collator);
            log?.Report($"Pre-training {options.Family} {options.Preset} ({model.ParameterCount():N0} parameters) for {options.Steps} steps; held-out loss untrained {before:F3}");

            var training = new TrainingOptions
            {
                LearningRate = options.LearningRate,
                WarmupFraction = options.WarmupFraction,
                BatchSize = options.BatchSize,
                Epochs = int.MaxValue,
                MaxSteps = options.Steps,
                WeightDecay = 0.01,
                Seed = options.Seed,
            };
            var source = Batching.ForTraining(trainSet, collator, options.BatchSize, options.Seed);
            using (var trainer = new Trainer(model.Module, model, training, options.Steps))
                trainer.Fit(source, progress, cancellationToken);

            double after = HeldOutLoss(model, heldOutSet, collator);
            log?.Report($"Held-out loss: untrained {before:F3} → trained {after:F3}");
            ModelCheckpoint.Save(model, building);
            var report = new PretrainReport(directory, false, options.Family.ToString().ToLowerInvariant(), options.Preset,
                model.ParameterCount(), tokenizer.VocabSize, train.Count, heldOut.Count, options.Steps, before, after,
                watch.Elapsed.TotalSeconds, corpusHash);
            AtomicFile.WriteText(Path.Combine(building, ReportFile), w => w.Write(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true })));
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            Directory.Move(building, directory);
            return report;
        }
        catch
        {
            if (Directory.Exists(building)) Directory.Delete(building, recursive: true);
            throw;
        }
    }

    /// <summary>The default corpus: the shared NER sets' training files (never dev/test) or the instruction sets.</summary>
    public static IReadOnlyList<string> DefaultCorpus(PretrainFamily family, string sharedData)
    {
        var root = Path.Combine(sharedData, family == PretrainFamily.Ner ? "ner" : "instruct");
        if (!Directory.Exists(root)) return [];
        if (family == PretrainFamily.Lm)
            return new[] { "alpaca-eval", "gpteacher", "self-instruct", "flan-cot" }
                .Select(d => Path.Combine(root, d)).Where(Directory.Exists).ToArray();
        // Held-out splits stay unseen even as raw text, so test sets built from them are never pre-trained on.
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !IsHeldOutSplit(f) && !Path.GetFileName(f).StartsWith("LICENSE", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToArray();
    }

    private static bool IsHeldOutSplit(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path).ToLowerInvariant();
        var parent = Path.GetFileName(Path.GetDirectoryName(path))?.ToLowerInvariant() ?? "";
        return name.Contains("test") || name.Contains("dev") || parent is "test" or "dev";
    }

    private static (List<string> Train, List<string> HeldOut) ReadCorpus(IReadOnlyList<string> paths, PretrainOptions options, IProgress<string>? log)
    {
        if (paths.Count == 0) throw new ArgumentException("No pre-training corpus: give files or folders of text data.");
        var report = new ReadReport();
        var kind = options.Family == PretrainFamily.Lm ? TaskKind.Instruction : TaskKind.Ner;
        // Pre-training wants raw text only; unreadable files (e.g. empty ones) are counted and reported, not fatal.
        var read = new ReadOptions { Kind = kind, SkipInvalid = true };
        var train = new List<string>();
        var heldOut = new List<string>();
        foreach (var example in DatasetReader.Read(paths, read, report).Take(options.MaxTexts))
        {
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
        PretrainOptions options, WinnowTokenizer tokenizer, List<string> train, List<string> heldOut)
    {
        if (options.Family == PretrainFamily.Lm)
        {
            var lm = new CausalLmEncoder(tokenizer, new CausalLmEncodingOptions { MaxLength = options.SequenceLength });
            return (lm.Pack(train, "train-").ToList(), lm.Pack(heldOut, "held-").ToList());
        }
        var mlm = new MaskedLmEncoder(tokenizer, new MaskedLmEncodingOptions { MaxLength = options.SequenceLength, Seed = options.Seed });
        List<EncodedExample> Masked(List<string> texts, string prefix) =>
            texts.Select((t, i) => mlm.Encode($"{prefix}{i}", t)).Where(r => r.IsEncoded).Select(r => r.Example!).ToList();
        return (Masked(train, "train-"), Masked(heldOut, "held-"));
    }

    private static double HeldOutLoss(IPretrainedModel model, IReadOnlyList<EncodedExample> heldOut, Collator collator)
    {
        var evaluator = new Evaluator(model.Module, model);
        return evaluator.Evaluate(Batching.ForEvaluation(heldOut, collator, 64), heldOut.Count).MeanLoss;
    }
}
