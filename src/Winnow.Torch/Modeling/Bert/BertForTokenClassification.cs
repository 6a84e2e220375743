using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// BERT/RoBERTa with a per-token label head (<c>bert.*</c>, <c>classifier.weight/bias</c>). Targets are label ids.
/// RoBERTa checkpoints are renamed on load and save (see <see cref="BertKeys"/>); in memory the body is always <c>bert</c>.
/// </summary>
public sealed class BertForTokenClassification : nn.Module<Tensor, Tensor, Tensor>, IPretrainedModel, ILayeredTokenModel
{
    private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public BertForTokenClassification(BertConfig config, Generator? generator = null) : base(nameof(BertForTokenClassification))
    {
        Config = config with { Head = ModelFamily.TokenClassifier };
        Config.Validate();
        bert = new BertModel(Config, generator);
        dropout = nn.Dropout(Config.ClassifierDropout ?? Config.HiddenDropoutProb);
        classifier = ModelingOps.Linear(Config.HiddenSize, Config.Labels.Count, true, Config.InitializerRange, generator);
        RegisterComponents();
    }

    public BertConfig Config { get; }

    IModelConfig IPretrainedModel.Config => Config;

    public ModelFamily Family => ModelFamily.TokenClassifier;

    public nn.Module Module => this;

    public IReadOnlyList<string> HeadPrefixes => ["classifier."];

    public bool HeadTrainableUnderLora => true;

    public BertModel Body => bert;

    /// <summary>Label logits [B,T,L].</summary>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        return classifier.call(dropout.call(bert.call(inputIds, attentionMask))).MoveToOuterDisposeScope();
    }

    public Tensor TargetLogProbs(Batch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = bert.call(batch.InputIds, batch.AttentionMask);
        return ModelingOps.TargetLogProbs(hidden, batch, h => classifier.call(dropout.call(h))).MoveToOuterDisposeScope();
    }

    public int LayerCount => bert.LayerCount;

    public Tensor HiddenBefore(Batch batch, int layer)
    {
        ModelingOps.CheckLayer(layer, LayerCount);
        return bert.HiddenBefore(batch.InputIds, batch.AttentionMask, layer);
    }

    public Tensor TargetLogProbsFrom(Tensor hidden, Batch batch, int layer)
    {
        ModelingOps.CheckLayer(layer, LayerCount);
        using var scope = NewDisposeScope();
        var last = bert.From(hidden, batch.AttentionMask, layer);
        return ModelingOps.TargetLogProbs(last, batch, h => classifier.call(dropout.call(h))).MoveToOuterDisposeScope();
    }
}
