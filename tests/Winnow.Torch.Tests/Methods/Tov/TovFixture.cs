using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tokenization;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Tasks;

namespace Winnow.Torch.Tests.Methods.Tov;

/// <summary>
/// Tiny model folders and synthetic data built once for the ToV tests: a 2-layer Llama (hidden 32) for instruction
/// data made of three very different templates, and a 1-layer BERT masked LM (hidden 32) for NER data from two
/// sources. The instruction target is the "repeat" template; the pool mixes it with two others.
/// </summary>
public sealed class TovFixture : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Lazy<TovRun> _instructionRun;
    private readonly Lazy<string> _instructionScores;

    public TovFixture()
    {
        Root = _dir.Path;
        WriteInstructionData();
        WriteNerData();
        LlamaModel = BuildLlama();
        BertModel = BuildBert();
        _instructionRun = new(() => TovFitter.Fit(new TovFitRequest(LlamaModel, [InstructionTarget], [InstructionPool], Path.Combine(Root, "run-instruct"))
        {
            Options = InstructionOptions,
        }));
        _instructionScores = new(() =>
        {
            var path = Path.Combine(Root, "run-instruct", "scores.parquet");
            TovScorer.Score(new TovScoreRequest(InstructionRun.RunDirectory, [InstructionPool], path));
            return path;
        });
    }

    public string Root { get; }
    public string LlamaModel { get; }
    public string BertModel { get; }
    public string InstructionTarget => Path.Combine(Root, "instruct", "target");
    public string InstructionPool => Path.Combine(Root, "instruct", "pool");
    public string NerTarget => Path.Combine(Root, "ner", "target");
    public string NerPool => Path.Combine(Root, "ner", "pool");

    /// <summary>Examples of the target template in the pool.</summary>
    public const int InDomainInPool = 40;
    public const int PerOtherTemplate = 40;

    public static TovFitOptions InstructionOptions { get; } = new()
    {
        Kind = TaskKind.Instruction, BaseSize = 30, Epochs = 2, LearningRate = 1e-2, BatchSize = 8, LoraRank = 4,
        LoraDropout = 0, MaxLength = 64, Seed = 3,
    };

    public static TovFitOptions NerOptions { get; } = new()
    {
        Kind = TaskKind.Ner, BaseSize = 12, Epochs = 2, LearningRate = 1e-2, BatchSize = 8, LoraRank = 2,
        LoraDropout = 0, MaxLength = 48, Seed = 5,
    };

    /// <summary>The interleaved instruction run, fitted on first use.</summary>
    public TovRun InstructionRun => _instructionRun.Value;

    public string InstructionScores => _instructionScores.Value;

    private static readonly string[] Words = ["apple", "river", "stone", "cloud", "tiger", "piano", "lemon", "candle", "forest", "silver", "rocket", "garden"];
    private static readonly string[] Countries = ["France", "Spain", "Italy", "Japan", "Peru", "Chile", "Kenya", "Egypt"];

    private static IEnumerable<(string Prompt, string Completion)> Repeat(int count, int offset) =>
        Enumerable.Range(offset, count).Select(i =>
        {
            var w = Words[i % Words.Length];
            var v = Words[(i * 7 + 3) % Words.Length];
            return ($"Repeat the words {w} {v} three times.", $"{w} {v} {w} {v} {w} {v}");
        });

    private static IEnumerable<(string Prompt, string Completion)> Sums(int count) =>
        Enumerable.Range(0, count).Select(i => ($"What is {i % 13} plus {i * 7 % 11}? Answer with a number only.", $"{i % 13 + i * 7 % 11}"));

    private static IEnumerable<(string Prompt, string Completion)> Capitals(int count) =>
        Enumerable.Range(0, count).Select(i => ($"Write one sentence about the country {Countries[i % Countries.Length]} and its people.",
            $"People in {Countries[i % Countries.Length]} say {i} is a good number; they like {Countries[(i + 3) % Countries.Length]}."));

    private void WriteInstructionData()
    {
        WriteInstructions(Path.Combine(InstructionTarget, "repeat-target.jsonl"), Repeat(30, 1000));
        WriteInstructions(Path.Combine(InstructionPool, "repeat.jsonl"), Repeat(InDomainInPool, 0));
        WriteInstructions(Path.Combine(InstructionPool, "sums.jsonl"), Sums(PerOtherTemplate));
        WriteInstructions(Path.Combine(InstructionPool, "capitals.jsonl"), Capitals(PerOtherTemplate));
    }

    private static void WriteInstructions(string path, IEnumerable<(string Prompt, string Completion)> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, rows.Select((r, i) => JsonSerializer.Serialize(new { id = $"ex{i}", prompt = r.Prompt, completion = r.Completion })));
    }

    private void WriteNerData()
    {
        WriteNer(Path.Combine(NerTarget, "people-target.jsonl"), People(16, 100));
        WriteNer(Path.Combine(NerPool, "people.jsonl"), People(24, 0));
        WriteNer(Path.Combine(NerPool, "places.jsonl"), Places(24));
    }

    private static IEnumerable<(string[] Tokens, string[] Tags)> People(int count, int offset) =>
        Enumerable.Range(offset, count).Select(i => (
            new[] { "Yesterday", Words[i % Words.Length] + "son", "met", Words[(i + 5) % Words.Length] + "man", "again", "." },
            new[] { "O", "B-PER", "O", "B-PER", "O", "O" }));

    private static IEnumerable<(string[] Tokens, string[] Tags)> Places(int count) =>
        Enumerable.Range(0, count).Select(i => (
            new[] { "The", "road", "to", Countries[i % Countries.Length], "is", "long", "and", Words[i % Words.Length], "." },
            new[] { "O", "O", "O", "B-LOC", "O", "O", "O", "O", "O" }));

    private static void WriteNer(string path, IEnumerable<(string[] Tokens, string[] Tags)> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, rows.Select((r, i) => JsonSerializer.Serialize(new { id = $"s{i}", tokens = r.Tokens, tags = r.Tags })));
    }

    private IEnumerable<string> CorpusTexts() =>
        Repeat(60, 0).Concat(Sums(40)).Concat(Capitals(40)).SelectMany(r => new[] { r.Prompt, r.Completion })
            .Concat(People(40, 0).Concat(Places(24)).Select(r => string.Join(' ', r.Tokens)));

    private string BuildLlama()
    {
        var dir = Path.Combine(Root, "llama");
        var tokenizer = TokenizerTrainer.TrainAndSave(CorpusTexts(), dir, new TokenizerTrainerOptions { VocabSize = 320, Specials = SpecialTokens.Gpt2 });
        using var model = ModelFactory.Create(new LlamaConfig
        {
            VocabSize = tokenizer.VocabSize, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4,
            NumKeyValueHeads = 2, MaxPositionEmbeddings = 128, TieWordEmbeddings = true, InitializerRange = 0.2,
        }, seed: 11);
        ModelCheckpoint.Save(model, dir);
        return dir;
    }

    private string BuildBert()
    {
        var dir = Path.Combine(Root, "bert");
        var tokenizer = TokenizerTrainer.TrainAndSave(CorpusTexts(), dir, new TokenizerTrainerOptions { VocabSize = 320, Specials = SpecialTokens.Roberta });
        using var model = ModelFactory.Create(new BertConfig
        {
            ModelType = "roberta", Head = ModelFamily.MaskedLm, VocabSize = tokenizer.VocabSize, HiddenSize = 32, IntermediateSize = 64,
            NumHiddenLayers = 1, NumAttentionHeads = 4, MaxPositionEmbeddings = 80, TypeVocabSize = 1, PadTokenId = tokenizer.Pad ?? 1,
            Labels = ["LABEL_0", "LABEL_1"], InitializerRange = 0.2,
        }, seed: 13);
        ModelCheckpoint.Save(model, dir);
        return dir;
    }

    public static List<ScoreRow> ReadScores(string path) => ScoreFile.Read(path);

    /// <summary>Per-token log-probabilities of NER <paramref name="examples"/> under one saved adapter, one example per batch.</summary>
    public static float[][] NerTokenLogProbs(string modelDir, string labelsFile, int maxLength, string adapter, IReadOnlyList<Example> examples)
    {
        using var task = TaskModel.Load(modelDir, TaskKind.Ner, LabelSet.Load(labelsFile), new TaskModelOptions { MaxLength = maxLength, Seed = 99 });
        Lora.LoadAdapter(task.Model, adapter);
        var encoded = task.EncodeAll(examples);
        var batches = encoded.Encoded.Select((e, i) => new IndexedBatch(task.Collator.Collate([e]), [i]));
        var result = new Evaluator(task.Model.Module, task.Model).Evaluate(batches, encoded.Count, includeTokenLogProbs: true);
        return result.TokenLogProbs!.Select(t => t.LogProbs).ToArray();
    }

    public void Dispose() => _dir.Dispose();
}
