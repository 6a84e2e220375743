using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tokenization;

namespace Winnow.Cli.Tests;

/// <summary>
/// A tiny NER ToV run (1-layer BERT, hidden 32; two pool sources whose ids overlap), fitted and scored once for the
/// <c>winnow explain</c> tests.
/// </summary>
public sealed class ExplainFixture : IDisposable
{
    private readonly TempDir _dir = new();

    private static readonly string[] Names = ["anna", "boris", "clara", "dmitri", "elena", "felix", "greta", "hugo"];
    private static readonly string[] Places = ["paris", "lima", "oslo", "cairo", "quito", "riga"];

    public ExplainFixture()
    {
        var target = _dir.File("target");
        var pool = _dir.File("pool");
        Write(Path.Combine(target, "people.jsonl"), People(12, 50));
        Write(Path.Combine(pool, "people.jsonl"), People(16, 0));
        Write(Path.Combine(pool, "places.jsonl"), Towns(16));
        var model = _dir.File("bert");
        Model = model;
        Target = target;
        PoolFolder = pool;
        var texts = People(70, 0).Concat(Towns(16)).Select(r => string.Join(' ', r.Tokens));
        var tokenizer = TokenizerTrainer.TrainAndSave(texts, model, new TokenizerTrainerOptions { VocabSize = 300, Specials = SpecialTokens.Roberta });
        using (var bert = ModelFactory.Create(new BertConfig
        {
            ModelType = "roberta", Head = ModelFamily.MaskedLm, VocabSize = tokenizer.VocabSize, HiddenSize = 32, IntermediateSize = 64,
            NumHiddenLayers = 1, NumAttentionHeads = 4, MaxPositionEmbeddings = 64, TypeVocabSize = 1, PadTokenId = tokenizer.Pad ?? 1,
            Labels = ["LABEL_0", "LABEL_1"], InitializerRange = 0.2,
        }, seed: 7))
            ModelCheckpoint.Save(bert, model);
        Run = _dir.File("run");
        TovFitter.Fit(new TovFitRequest(model, [target], [pool], Run)
        {
            Options = new TovFitOptions
            {
                Kind = TaskKind.Ner, BaseSize = 8, Epochs = 2, LearningRate = 1e-2, BatchSize = 8, LoraRank = 2, LoraDropout = 0, MaxLength = 32, Seed = 1,
            },
        });
        Scores = _dir.File("scores.parquet");
        TovScorer.Score(new TovScoreRequest(Run, [pool], Scores));
        Rows = ScoreFile.Read(Scores);
        Pool = DatasetReader.Read([pool]).Cast<NerExample>().ToList();
    }

    /// <summary>The masked-LM BERT the run was fitted on (no NER head of its own).</summary>
    public string Model { get; }

    /// <summary>Target (PER only) and pool (PER and LOC sources) folders.</summary>
    public string Target { get; }

    public string PoolFolder { get; }

    public string Run { get; }
    public string Scores { get; }
    public List<ScoreRow> Rows { get; }
    public List<NerExample> Pool { get; }

    private static IEnumerable<(string[] Tokens, string[] Tags)> People(int count, int offset) =>
        Enumerable.Range(offset, count).Select(i => (
            new[] { "today", Names[i % Names.Length], "called", Names[(i + 3) % Names.Length], "twice" },
            new[] { "O", "B-PER", "O", "B-PER", "O" }));

    private static IEnumerable<(string[] Tokens, string[] Tags)> Towns(int count) =>
        Enumerable.Range(0, count).Select(i => (
            new[] { "the", "train", "to", Places[i % Places.Length], "was", "late" },
            new[] { "O", "O", "O", "B-LOC", "O", "O" }));

    private static void Write(string path, IEnumerable<(string[] Tokens, string[] Tags)> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, rows.Select((r, i) => JsonSerializer.Serialize(new { id = $"s{i}", tokens = r.Tokens, tags = r.Tags })));
    }

    public void Dispose() => _dir.Dispose();
}
