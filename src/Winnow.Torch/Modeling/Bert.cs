using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Modeling;

/// <summary>Word + learned position + token-type embeddings, then LayerNorm and dropout (<c>bert.embeddings</c>).</summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TokenEmbedding word_embeddings;
    private readonly TokenEmbedding position_embeddings;
    private readonly TokenEmbedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
    private readonly int _positionOffset;
    private readonly bool _roberta;

    public BertEmbeddings(BertConfig config, Generator? generator) : base(nameof(BertEmbeddings))
    {
        double std = config.InitializerRange;
        word_embeddings = new TokenEmbedding(config.VocabSize, config.HiddenSize, std, generator);
        position_embeddings = new TokenEmbedding(config.MaxPositionEmbeddings, config.HiddenSize, std, generator);
        token_type_embeddings = new TokenEmbedding(config.TypeVocabSize, config.HiddenSize, std, generator);
        LayerNorm = ModelingOps.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        _positionOffset = config.PositionOffset;
        _roberta = config.IsRoberta;
        RegisterComponents();
    }

    public TokenEmbedding WordEmbeddings => word_embeddings;

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var positions = Positions(inputIds, attentionMask);
        var types = zeros_like(inputIds, dtype: ScalarType.Int64);
        var sum = word_embeddings.call(inputIds).Plus(position_embeddings.call(positions)).Plus(token_type_embeddings.call(types));
        return dropout.call(LayerNorm.call(sum)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// BERT numbers positions 0..T-1. RoBERTa numbers real tokens from pad_token_id+1 and gives padding
    /// pad_token_id, as Hugging Face's create_position_ids_from_input_ids does (here from the attention mask).
    /// </summary>
    private Tensor Positions(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        long b = inputIds.shape[0], t = inputIds.shape[1];
        if (!_roberta) return arange(SafeScalars.Zero, SafeScalars.Of(t), SafeScalars.One, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0).expand(b, t).MoveToOuterDisposeScope();
        var real = attentionMask.to_type(ScalarType.Int64);
        return (real.cumsum(1) * real).add(SafeScalars.Of((long)_positionOffset - 1)).MoveToOuterDisposeScope();
    }
}

/// <summary>Multi-head self-attention projections (<c>attention.self</c>).</summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private nn.Module<Tensor, Tensor> query;
    private nn.Module<Tensor, Tensor> key;
    private nn.Module<Tensor, Tensor> value;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _dropout;

    public BertSelfAttention(BertConfig config, Generator? generator) : base(nameof(BertSelfAttention))
    {
        _heads = config.NumAttentionHeads;
        _headDim = config.HeadDim;
        _dropout = config.AttentionProbsDropoutProb;
        double std = config.InitializerRange;
        query = ModelingOps.Linear(config.HiddenSize, config.HiddenSize, true, std, generator);
        key = ModelingOps.Linear(config.HiddenSize, config.HiddenSize, true, std, generator);
        value = ModelingOps.Linear(config.HiddenSize, config.HiddenSize, true, std, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var q = Split(query.call(x), b, t);
        var k = Split(key.call(x), b, t);
        var v = Split(value.call(x), b, t);
        var attended = F.scaled_dot_product_attention(q, k, v, mask, training ? _dropout : 0.0);
        return attended.transpose(1, 2).reshape(b, t, _heads * _headDim).MoveToOuterDisposeScope();
    }

    private Tensor Split(Tensor projected, long b, long t) => projected.view(b, t, _heads, _headDim).transpose(1, 2);
}

/// <summary>Projection, dropout and post-residual LayerNorm (<c>attention.output</c> and <c>output</c> share this shape).</summary>
public sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private nn.Module<Tensor, Tensor> dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertResidualOutput(BertConfig config, int inFeatures, Generator? generator) : base(nameof(BertResidualOutput))
    {
        dense = ModelingOps.Linear(inFeatures, config.HiddenSize, true, config.InitializerRange, generator);
        LayerNorm = ModelingOps.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.call(dropout.call(dense.call(x)).Plus(residual)).MoveToOuterDisposeScope();
    }
}

/// <summary><c>attention</c>: self-attention followed by its output block.</summary>
public sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertSelfAttention self;
    private readonly BertResidualOutput output;

    public BertAttention(BertConfig config, Generator? generator) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config, generator);
        output = new BertResidualOutput(config, config.HiddenSize, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return output.call(self.call(x, mask), x).MoveToOuterDisposeScope();
    }
}

/// <summary><c>intermediate</c>: the feed-forward expansion with its activation.</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private nn.Module<Tensor, Tensor> dense;
    private readonly string _activation;

    public BertIntermediate(BertConfig config, Generator? generator) : base(nameof(BertIntermediate))
    {
        dense = ModelingOps.Linear(config.HiddenSize, config.IntermediateSize, true, config.InitializerRange, generator);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return BertOps.Activate(dense.call(x), _activation).MoveToOuterDisposeScope();
    }
}

/// <summary>One post-LN encoder block (<c>encoder.layer.{i}</c>).</summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;

    public BertLayer(BertConfig config, Generator? generator) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config, generator);
        intermediate = new BertIntermediate(config, generator);
        output = new BertResidualOutput(config, config.IntermediateSize, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.call(x, mask);
        return output.call(intermediate.call(attended), attended).MoveToOuterDisposeScope();
    }
}

/// <summary><c>encoder</c>: the stack of layers.</summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config, Generator? generator) : base(nameof(BertEncoder))
    {
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config, generator)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        foreach (var block in layer) x = block.call(x, mask);
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The encoder body shared by both heads (<c>bert</c>, or <c>roberta</c> in RoBERTa checkpoints), without
/// the pooler: token-level heads never use it. Returns hidden states [B,T,H].
/// </summary>
public sealed class BertModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;

    public BertModel(BertConfig config, Generator? generator) : base(nameof(BertModel))
    {
        embeddings = new BertEmbeddings(config, generator);
        encoder = new BertEncoder(config, generator);
        RegisterComponents();
    }

    public BertEmbeddings Embeddings => embeddings;

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var mask = ModelingOps.AttentionMask(attentionMask, causal: false);
        return encoder.call(embeddings.call(inputIds, attentionMask), mask).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// BERT/RoBERTa with a per-token label head (<c>bert.*</c>, <c>classifier.weight/bias</c>). Targets are label ids.
/// RoBERTa checkpoints are renamed on load and save (see <see cref="BertKeys"/>); in memory the body is always <c>bert</c>.
/// </summary>
public sealed class BertForTokenClassification : nn.Module<Tensor, Tensor, Tensor>, IPretrainedModel
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
}

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

/// <summary><c>cls</c>: holds <c>predictions</c>, mirroring Hugging Face's BertOnlyMLMHead.</summary>
public sealed class BertMlmHead : nn.Module<Tensor, Tensor>
{
    private readonly BertLmPrediction predictions;

    public BertMlmHead(BertConfig config, Generator? generator) : base(nameof(BertMlmHead))
    {
        predictions = new BertLmPrediction(config, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden) => throw new NotSupportedException("Use Predict with the tied decoder weight.");

    public Tensor Predict(Tensor hidden, Tensor decoderWeight) => predictions.Predict(hidden, decoderWeight);
}

/// <summary><c>cls.predictions</c>: transform (dense, activation, LayerNorm) then the tied decoder plus <c>bias</c>.</summary>
public sealed class BertLmPrediction : nn.Module<Tensor, Tensor>
{
    private readonly BertLmTransform transform;
    private Parameter bias;

    public BertLmPrediction(BertConfig config, Generator? generator) : base(nameof(BertLmPrediction))
    {
        transform = new BertLmTransform(config, generator);
        bias = new Parameter(zeros(config.VocabSize), requires_grad: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden) => throw new NotSupportedException("Use Predict with the tied decoder weight.");

    public Tensor Predict(Tensor hidden, Tensor decoderWeight)
    {
        using var scope = NewDisposeScope();
        return F.linear(transform.call(hidden), decoderWeight, bias).MoveToOuterDisposeScope();
    }
}

/// <summary><c>cls.predictions.transform</c>.</summary>
public sealed class BertLmTransform : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly string _activation;

    public BertLmTransform(BertConfig config, Generator? generator) : base(nameof(BertLmTransform))
    {
        dense = ModelingOps.Linear(config.HiddenSize, config.HiddenSize, true, config.InitializerRange, generator);
        LayerNorm = ModelingOps.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.call(BertOps.Activate(dense.call(hidden), _activation)).MoveToOuterDisposeScope();
    }
}

internal static class BertOps
{
    public static Tensor Activate(Tensor x, string activation) => activation switch
    {
        "gelu" => F.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" => F.gelu(x, GELU.Approximate.tanh),
        "relu" => F.relu(x),
        _ => throw new ModelConfigException($"hidden_act '{activation}' is not supported."),
    };
}

/// <summary>
/// Translates between Winnow's in-memory names (always <c>bert.</c> and <c>cls.predictions.</c>) and a
/// checkpoint's names: identical for BERT, renamed for RoBERTa (<c>roberta.</c>, <c>lm_head.*</c>).
/// </summary>
public static class BertKeys
{
    private static readonly (string Ours, string Roberta)[] RobertaRenames =
    [
        ("bert.", "roberta."),
        ("cls.predictions.transform.dense.", "lm_head.dense."),
        ("cls.predictions.transform.LayerNorm.", "lm_head.layer_norm."),
        ("cls.predictions.bias", "lm_head.bias"),
    ];

    public static string ToCheckpoint(BertConfig config, string key)
    {
        if (!config.IsRoberta) return key;
        foreach (var (ours, theirs) in RobertaRenames)
            if (key.StartsWith(ours, StringComparison.Ordinal)) return theirs + key[ours.Length..];
        return key;
    }

    public static string FromCheckpoint(BertConfig config, string key)
    {
        if (!config.IsRoberta) return key;
        foreach (var (ours, theirs) in RobertaRenames)
            if (key.StartsWith(theirs, StringComparison.Ordinal)) return ours + key[theirs.Length..];
        return key;
    }
}
