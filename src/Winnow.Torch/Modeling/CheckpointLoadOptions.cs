using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

public sealed record CheckpointLoadOptions
{
    /// <summary>The dtype the model is built in; checkpoint tensors are converted to it.</summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>
    /// Build this head instead of the checkpoint's, e.g. <c>BertForTokenClassification</c> over a masked-LM
    /// checkpoint: the body loads, the new head keeps its fresh initialisation and is listed in the report.
    /// </summary>
    public ModelFamily? Head { get; init; }

    /// <summary>Label names for a token-classifier head (replaces the checkpoint's id2label).</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Seed for whatever the checkpoint does not provide (a new head).</summary>
    public long Seed { get; init; }
}
