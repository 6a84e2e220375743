using System.Diagnostics;
using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Runs;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tokenization;
using Winnow.Torch.Training;

namespace Winnow.Torch.Pretraining;

/// <summary>Which kind of base model to pre-train.</summary>
public enum PretrainFamily
{
    /// <summary>A Llama-style causal LM (next-token objective), for instruction tuning.</summary>
    Lm,

    /// <summary>A BERT-style encoder (masked-LM objective); the NER head is added at fine-tuning time.</summary>
    Ner,
}
