using Winnow.Core.Data;
using Winnow.Torch.FineTuning;
using Winnow.Torch.Modeling;
using Winnow.Torch.Pretraining;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tests.TestSupport;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.FineTuning;

/// <summary>The judge's options for pretrained encoders: frozen word embeddings and the epoch picked on validation.</summary>
[Collection(TorchSerialCollection.Name)]
public sealed class JudgeRecipeOptionsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _base;
    private readonly List<Example> _train;
    private readonly List<Example> _validation;
    private readonly LabelSet _labels;

    public JudgeRecipeOptionsTests()
    {
        _base = Pretrainer.Run([RepoPaths.Samples("ner", "pool")], _dir.Path, new PretrainOptions
        {
            Family = PretrainFamily.Ner, Preset = "tiny", VocabSize = 400, Steps = 5, BatchSize = 16, SequenceLength = 48, MaxTexts = 300, HeldOutFraction = 0.1,
        }).Directory;
        var examples = DatasetReader.Read([RepoPaths.Samples("ner", "target")], new ReadOptions { Kind = TaskKind.Ner }).ToList();
        _train = examples.Take(32).ToList();
        _validation = examples.Skip(32).Take(24).ToList();
        _labels = LabelSet.FromExamples(examples.OfType<NerExample>());
    }

    public void Dispose() => _dir.Dispose();

    private static float[] Values(TaskModel model, string suffix) =>
        model.Model.Module.named_parameters().Single(p => p.name.EndsWith(suffix, StringComparison.Ordinal)).parameter.detach().data<float>().ToArray();

    [Fact]
    public void Frozen_word_embeddings_stay_bit_identical_while_the_rest_trains()
    {
        using var model = TaskModel.Load(_base, TaskKind.Ner, _labels);
        var words = Values(model, "word_embeddings.weight");
        var query = Values(model, "layer.0.attention.self.query.weight");
        var result = FineTuner.Run(model, model.EncodeAll(_train), new FineTuneOptions { LoraRank = 0, LearningRate = 1e-3, Epochs = 2, BatchSize = 8, FreezeEmbeddings = true });
        Assert.Equal(words, Values(model, "word_embeddings.weight"));
        Assert.NotEqual(query, Values(model, "layer.0.attention.self.query.weight"));
        Assert.Equal(model.Model.ParameterCount() - words.Length, result.TrainableParameters);
    }

    [Fact]
    public void Select_epoch_ends_with_the_weights_of_the_best_validation_epoch()
    {
        using var model = TaskModel.Load(_base, TaskKind.Ner, _labels);
        var validation = model.EncodeAll(_validation);
        // A large rate makes the curve go up and down, so the best epoch is not simply the last.
        var result = FineTuner.Run(model, model.EncodeAll(_train),
            new FineTuneOptions { LoraRank = 0, LearningRate = 3e-2, Epochs = 6, BatchSize = 8, SelectEpoch = true }, validation: validation);
        Assert.Equal(6, result.ValidationLosses.Count);
        int best = result.ValidationLosses.Select((l, i) => (l, i)).MinBy(p => p.l).i + 1;
        Assert.Equal(best, result.KeptEpoch);
        Assert.Equal(result.ValidationLosses[best - 1], FineTuner.Evaluate(model, validation).MeanLoss, 6);
    }

    [Fact]
    public void Best_weights_restores_the_offered_minimum_and_ignores_worse_offers()
    {
        using var model = TaskModel.Load(_base, TaskKind.Ner, _labels);
        var parameter = model.Model.Module.parameters().First(p => p.requires_grad);
        using var best = new BestWeights(model.Model);
        var first = parameter.detach().data<float>().ToArray();
        best.Offer(1.0, 1);
        using (no_grad()) parameter.add_(ones_like(parameter));
        best.Offer(2.0, 2); // worse: not kept
        best.Offer(double.NaN, 3); // never kept
        using (no_grad()) parameter.add_(ones_like(parameter));
        Assert.Equal(1, best.Restore());
        Assert.Equal(first, parameter.detach().data<float>().ToArray());
    }

    [Fact]
    public void Select_epoch_without_validation_is_refused()
    {
        using var model = TaskModel.Load(_base, TaskKind.Ner, _labels);
        var e = Assert.Throws<ArgumentException>(() => FineTuner.Run(model, model.EncodeAll(_train), new FineTuneOptions { SelectEpoch = true, Epochs = 1 }));
        Assert.Contains("validation", e.Message);
    }
}
