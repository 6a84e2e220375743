namespace Winnow.Torch.Pretraining;

/// <summary>Which kind of base model to pre-train.</summary>
public enum PretrainFamily
{
    /// <summary>A Llama-style causal LM (next-token objective), for instruction tuning.</summary>
    Lm,

    /// <summary>A BERT-style encoder (masked-LM objective); the NER head is added at fine-tuning time.</summary>
    Ner,
}
