using Winnow.Core.Data;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tokenization;

namespace Winnow.Bench;

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
