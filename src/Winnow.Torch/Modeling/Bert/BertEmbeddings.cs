using TorchSharp.Modules;
using static TorchSharp.torch;
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
        return (real.cumsum(1) * real).Plus(SafeScalars.Of((long)_positionOffset - 1)).MoveToOuterDisposeScope();
    }
}
