using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// BERT/RoBERTa with the masked-LM head (<c>cls.predictions.*</c>); the decoder reuses the word embeddings,
/// so only <c>cls.predictions.bias</c> is its own. Targets are original token ids at masked positions.
/// </summary>
public sealed class BertForMaskedLM : nn.Module<Tensor, Tensor, Tensor>, IPretrainedModel
{
    private readonly BertModel bert;
    private readonly BertMlmHead cls;

    public BertForMaskedLM(BertConfig config, Generator? generator = null) : base(nameof(BertForMaskedLM))
    {
        Config = config with { Head = ModelFamily.MaskedLm };
        Config.Validate();
        bert = new BertModel(Config, generator);
        cls = new BertMlmHead(Config, generator);
        RegisterComponents();
    }

    public BertConfig Config { get; }

    IModelConfig IPretrainedModel.Config => Config;

    public ModelFamily Family => ModelFamily.MaskedLm;

    public nn.Module Module => this;

    public IReadOnlyList<string> HeadPrefixes => ["cls."];

    public bool HeadTrainableUnderLora => false;

    public BertModel Body => bert;

    /// <summary>Vocabulary logits [B,T,V].</summary>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        return cls.Predict(bert.call(inputIds, attentionMask), bert.Embeddings.WordEmbeddings.Weight).MoveToOuterDisposeScope();
    }

    public Tensor TargetLogProbs(Batch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = bert.call(batch.InputIds, batch.AttentionMask);
        var decoder = bert.Embeddings.WordEmbeddings.Weight;
        return ModelingOps.TargetLogProbs(hidden, batch, h => cls.Predict(h, decoder)).MoveToOuterDisposeScope();
    }
}
