using Winnow.Core.Data;
using Winnow.Torch.FineTuning;
using Winnow.Torch.Pretraining;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tests.TestSupport;

namespace Winnow.Torch.Tests.Pretraining;

[Collection(TorchSerialCollection.Name)]
public class PretrainAndFineTuneTests
{
    private static PretrainOptions Small(PretrainFamily family) => new()
    {
        Family = family, Preset = "tiny", VocabSize = 400, Steps = 30, BatchSize = 16, SequenceLength = 48, MaxTexts = 600, HeldOutFraction = 0.1,
    };

    [Fact]
    public void MaskedLmPretrainingBeatsUntrainedModelOnHeldOutTextAndIsCached()
    {
        using var dir = new TempDir();
        string[] corpus = [RepoPaths.Samples("ner", "pool")];
        var report = Pretrainer.Run(corpus, dir.Path, Small(PretrainFamily.Ner));

        Assert.False(report.FromCache);
        // An untrained model is near uniform over 400 tokens (ln 400 ≈ 6.0); 30 steps must take at least 10% off.
        Assert.True(report.HeldOutLossTrained < 0.9 * report.HeldOutLossUntrained, $"{report.HeldOutLossUntrained} → {report.HeldOutLossTrained}");
        Assert.True(File.Exists(Path.Combine(report.Directory, "config.json")));
        Assert.True(File.Exists(Path.Combine(report.Directory, "vocab.json")));

        var again = Pretrainer.Run(corpus, dir.Path, Small(PretrainFamily.Ner));
        Assert.True(again.FromCache);
        Assert.Equal(report.Directory, again.Directory);
        Assert.Equal(report.HeldOutLossTrained, again.HeldOutLossTrained);
        // A different option is a different cache entry.
        Assert.NotEqual(report.Directory, Pretrainer.Run(corpus, dir.Path, Small(PretrainFamily.Ner) with { Steps = 2 }).Directory);
    }

    [Fact]
    public void CommittedModelIsCopiedIntoAnEmptyCacheInsteadOfPretrainedAndOnlyForItsOwnOptions()
    {
        using var made = new TempDir();
        using var cache = new TempDir();
        string[] corpus = [RepoPaths.Samples("instruct", "pool")];
        var options = Small(PretrainFamily.Lm) with { Steps = 3 };
        var original = Pretrainer.Run(corpus, made.Path, options);
        Assert.False(original.FromCache);
        var committed = Path.Combine(made.Path, "committed");
        var copy = Path.Combine(committed, Path.GetFileName(original.Directory));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(original.Directory)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        var settings = new PretrainRunSettings { CommittedModelFolders = [committed] };

        var seeded = Pretrainer.Run(corpus, cache.Path, options, run: settings);
        Assert.True(seeded.FromCache);
        Assert.Equal(Pretrainer.ModelDirectory(corpus, cache.Path, options), seeded.Directory);
        Assert.Equal(File.ReadAllBytes(Path.Combine(original.Directory, "model.safetensors")), File.ReadAllBytes(Path.Combine(seeded.Directory, "model.safetensors")));
        Assert.Equal(original.HeldOutLossTrained, seeded.HeldOutLossTrained);
        Assert.Empty(Directory.GetDirectories(cache.Path, "*.copying-*"));
        Assert.Empty(Directory.GetDirectories(cache.Path, "*.partial"));

        // Other options name another folder: the committed model is not taken, the model is pre-trained.
        Assert.False(Pretrainer.Run(corpus, cache.Path, options with { Steps = 2 }, run: settings).FromCache);
    }

    [Fact]
    public void CausalLmPretrainingBeatsUntrainedModel()
    {
        using var dir = new TempDir();
        var report = Pretrainer.Run([RepoPaths.Samples("instruct", "pool")], dir.Path, Small(PretrainFamily.Lm));
        Assert.True(report.HeldOutLossTrained < 0.9 * report.HeldOutLossUntrained, $"{report.HeldOutLossUntrained} → {report.HeldOutLossTrained}");
    }

    [Fact]
    public void FineTuningOnNerLowersLossAndSavedModelEvaluatesTheSame()
    {
        using var dir = new TempDir();
        var baseModel = Pretrainer.Run([RepoPaths.Samples("ner", "pool")], dir.Path, Small(PretrainFamily.Ner) with { Steps = 5 });
        var train = DatasetReader.Read([RepoPaths.Samples("ner", "target")], new ReadOptions { Kind = TaskKind.Ner }).Take(48).ToList();
        var labels = LabelSet.FromExamples(train.OfType<NerExample>());

        using var model = TaskModel.Load(baseModel.Directory, TaskKind.Ner, labels);
        var set = model.EncodeAll(train);
        Assert.Equal(train.Count, set.Count);
        double before = FineTuner.Evaluate(model, set).MeanLoss;
        var options = new FineTuneOptions { LoraRank = 4, LearningRate = 3e-3, Epochs = 6, BatchSize = 8 };
        FineTuner.Run(model, set, options);
        double after = FineTuner.Evaluate(model, set).MeanLoss;
        Assert.True(after < 0.7 * before, $"training loss {before} → {after}");

        // Saved (adapter merged) and reloaded, the model computes the same losses.
        var saved = Path.Combine(dir.Path, "ft");
        FineTuner.Save(model, saved, options);
        using var reloaded = TaskModel.Load(saved, TaskKind.Ner);
        Assert.Equal(labels.Labels, reloaded.Labels!.Labels);
        Assert.Equal(after, FineTuner.Evaluate(reloaded, reloaded.EncodeAll(train)).MeanLoss, 4);
        Assert.True(File.Exists(Path.Combine(saved, "adapter", "adapter_model.safetensors")));
    }
}
