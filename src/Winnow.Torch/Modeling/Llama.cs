using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Modeling;

/// <summary>Grouped-query self-attention with rotary positions (<c>self_attn</c>).</summary>
public sealed class LlamaAttention : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    // Typed as plain modules so LoRA can swap a LoraLinear in place.
    private nn.Module<Tensor, Tensor> q_proj;
    private nn.Module<Tensor, Tensor> k_proj;
    private nn.Module<Tensor, Tensor> v_proj;
    private nn.Module<Tensor, Tensor> o_proj;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly double _dropout;

    public LlamaAttention(LlamaConfig config, Generator? generator) : base(nameof(LlamaAttention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        _dropout = config.AttentionDropout;
        double std = config.InitializerRange;
        q_proj = ModelingOps.Linear(config.HiddenSize, _heads * _headDim, false, std, generator);
        k_proj = ModelingOps.Linear(config.HiddenSize, _kvHeads * _headDim, false, std, generator);
        v_proj = ModelingOps.Linear(config.HiddenSize, _kvHeads * _headDim, false, std, generator);
        o_proj = ModelingOps.Linear(_heads * _headDim, config.HiddenSize, false, std, generator);
        RegisterComponents();
    }

    /// <param name="x">[B,T,H] hidden states.</param>
    /// <param name="cos">[B,1,T,D] rotary table.</param>
    /// <param name="sin">[B,1,T,D] rotary table.</param>
    /// <param name="mask">[B,1,T,T] bool, true where attention is allowed.</param>
    public override Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var q = Rotary.Apply(SplitHeads(q_proj.call(x), b, t, _heads), cos, sin);
        var k = Rotary.Apply(SplitHeads(k_proj.call(x), b, t, _kvHeads), cos, sin);
        var v = SplitHeads(v_proj.call(x), b, t, _kvHeads);
        k = RepeatKv(k, _heads / _kvHeads);
        v = RepeatKv(v, _heads / _kvHeads);
        var attended = F.scaled_dot_product_attention(q, k, v, mask, training ? _dropout : 0.0);
        var merged = attended.transpose(1, 2).reshape(b, t, _heads * _headDim);
        return o_proj.call(merged).MoveToOuterDisposeScope();
    }

    private Tensor SplitHeads(Tensor projected, long b, long t, int heads) =>
        projected.view(b, t, heads, _headDim).transpose(1, 2);

    /// <summary>Shares each key/value head among its group of query heads, as Hugging Face's repeat_kv does.</summary>
    internal static Tensor RepeatKv(Tensor kv, int groups)
    {
        if (groups == 1) return kv;
        long b = kv.shape[0], h = kv.shape[1], t = kv.shape[2], d = kv.shape[3];
        return kv.unsqueeze(2).expand(b, h, groups, t, d).reshape(b, h * groups, t, d);
    }
}

/// <summary>SwiGLU feed-forward block (<c>mlp</c>): down(silu(gate(x)) · up(x)).</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    private nn.Module<Tensor, Tensor> gate_proj;
    private nn.Module<Tensor, Tensor> up_proj;
    private nn.Module<Tensor, Tensor> down_proj;

    public LlamaMlp(LlamaConfig config, Generator? generator) : base(nameof(LlamaMlp))
    {
        double std = config.InitializerRange;
        gate_proj = ModelingOps.Linear(config.HiddenSize, config.IntermediateSize, false, std, generator);
        up_proj = ModelingOps.Linear(config.HiddenSize, config.IntermediateSize, false, std, generator);
        down_proj = ModelingOps.Linear(config.IntermediateSize, config.HiddenSize, false, std, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return down_proj.call(F.silu(gate_proj.call(x)) * up_proj.call(x)).MoveToOuterDisposeScope();
    }
}

/// <summary>One pre-norm transformer block (<c>model.layers.{i}</c>).</summary>
public sealed class LlamaDecoderLayer : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly RmsNorm input_layernorm;
    private readonly LlamaAttention self_attn;
    private readonly RmsNorm post_attention_layernorm;
    private readonly LlamaMlp mlp;

    public LlamaDecoderLayer(LlamaConfig config, Generator? generator) : base(nameof(LlamaDecoderLayer))
    {
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        self_attn = new LlamaAttention(config, generator);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        mlp = new LlamaMlp(config, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var h = x.Plus(self_attn.call(input_layernorm.call(x), cos, sin, mask));
        var y = h.Plus(mlp.call(post_attention_layernorm.call(h)));
        return y.MoveToOuterDisposeScope();
    }
}

/// <summary>The decoder body (<c>model</c>): embeddings, layers, final norm. Returns hidden states [B,T,H].</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TokenEmbedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly RmsNorm norm;
    private readonly LlamaConfig _config;

    public LlamaModel(LlamaConfig config, Generator? generator) : base(nameof(LlamaModel))
    {
        _config = config;
        embed_tokens = new TokenEmbedding(config.VocabSize, config.HiddenSize, config.InitializerRange, generator);
        layers = new ModuleList<LlamaDecoderLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new LlamaDecoderLayer(config, generator)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }

    public TokenEmbedding EmbedTokens => embed_tokens;

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var h = embed_tokens.call(inputIds);
        var (cos, sin) = Rotary.CosSin(Rotary.PositionsFromMask(attentionMask), _config.HeadDim, _config.RopeTheta, h.dtype);
        var mask = ModelingOps.AttentionMask(attentionMask, causal: true);
        foreach (var layer in layers) h = layer.call(h, cos, sin, mask);
        return norm.call(h).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Llama-architecture causal LM with Hugging Face weight names (<c>model.*</c>, <c>lm_head.weight</c>).
/// With <see cref="LlamaConfig.TieWordEmbeddings"/> the output projection reuses <c>model.embed_tokens.weight</c>
/// and there is no <c>lm_head</c> parameter.
/// </summary>
public sealed class LlamaForCausalLM : nn.Module<Tensor, Tensor, Tensor>, IPretrainedModel
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

    private Tensor Project(Tensor hidden) =>
        lm_head is null ? F.linear(hidden, model.EmbedTokens.Weight) : lm_head.call(hidden);
}
