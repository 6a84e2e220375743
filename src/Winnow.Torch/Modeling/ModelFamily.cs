namespace Winnow.Torch.Modeling;

/// <summary>What a model predicts at each position, which decides how its batches are built.</summary>
public enum ModelFamily
{
    /// <summary>Llama-style decoder: next-token log-probs.</summary>
    CausalLm,

    /// <summary>BERT/RoBERTa encoder with a per-token label head (NER).</summary>
    TokenClassifier,

    /// <summary>BERT/RoBERTa encoder with the masked-LM head.</summary>
    MaskedLm,
}
