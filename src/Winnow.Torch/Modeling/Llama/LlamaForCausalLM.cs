using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Winnow.Torch.Modeling;

/// <summary>
/// Llama-architecture causal LM with Hugging Face weight names (<c>model.*</c>, <c>lm_head.weight</c>).
/// With <see cref="LlamaConfig.TieWordEmbeddings"/> the output projection reuses <c>model.embed_tokens.weight</c>
/// and there is no <c>lm_head</c> parameter.
/// </summary>
public sealed class LlamaForCausalLM : nn.Module<Tensor, Tensor, Tensor>, IPretrainedModel, ILayeredTokenModel
{
    private readonly LlamaModel model;
    private readonly Linear? lm_head;

    public LlamaForCausalLM(LlamaConfig config, Generator? generator = null) : base(nameof(LlamaForCausalLM))
    {
        config.Validate();
        Config = config;
        model = new LlamaModel(config, generator);
        lm_head = config.TieWordEmbeddings ? null : ModelingOps.Linear(config.HiddenSize, config.VocabSize, false, config.InitializerRange, generator);
        RegisterComponents();
    }

    public LlamaConfig Config { get; }

    IModelConfig IPretrainedModel.Config => Config;

    public ModelFamily Family => ModelFamily.CausalLm;

    public nn.Module Module => this;

    public IReadOnlyList<string> HeadPrefixes => ["lm_head."];

    public bool HeadTrainableUnderLora => false;

    public LlamaModel Body => model;

    /// <summary>Hidden states [B,T,H] after the final norm.</summary>
    public Tensor Hidden(Tensor inputIds, Tensor attentionMask) => model.call(inputIds, attentionMask);

    /// <summary>Logits [B,T,V] at every position (costly for large vocabularies: scoring uses <see cref="TargetLogProbs"/>).</summary>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        return Project(model.call(inputIds, attentionMask)).MoveToOuterDisposeScope();
    }

    public Tensor TargetLogProbs(Batch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = model.call(batch.InputIds, batch.AttentionMask);
        return ModelingOps.TargetLogProbs(hidden, batch, Project).MoveToOuterDisposeScope();
    }

    public int LayerCount => model.LayerCount;

    public Tensor HiddenBefore(Batch batch, int layer)
    {
        ModelingOps.CheckLayer(layer, LayerCount);
        return model.HiddenBefore(batch.InputIds, batch.AttentionMask, layer);
    }

    public Tensor TargetLogProbsFrom(Tensor hidden, Batch batch, int layer)
    {
        ModelingOps.CheckLayer(layer, LayerCount);
        using var scope = NewDisposeScope();
        return ModelingOps.TargetLogProbs(model.From(hidden, batch.AttentionMask, layer), batch, Project).MoveToOuterDisposeScope();
    }

    private Tensor Project(Tensor hidden) =>
        lm_head is null ? F.linear(hidden, model.EmbedTokens.Weight) : lm_head.call(hidden);
}
