namespace Winnow.Torch.Pretraining;

/// <summary>What pre-training produced; also written as <c>pretrain-report.json</c> in the model folder.</summary>
public sealed record PretrainReport(
    string Directory,
    bool FromCache,
    string Family,
    string Preset,
    long Parameters,
    int VocabSize,
    int TrainTexts,
    int HeldOutTexts,
    int Steps,
    double HeldOutLossUntrained,
    double HeldOutLossTrained,
    double Seconds,
    string CorpusHash,
    long NonEmbeddingParameters = 0,
    long TrainTokens = 0,
    long TokensSeen = 0,
    int Resumes = 0,
    IReadOnlyList<PretrainCurvePoint>? Curve = null,
    double HeldOutBytesPerToken = 0,
    double CpuSeconds = 0)
{
    /// <summary>Held-out examples (windows for a causal LM) the untrained and trained losses were measured on.</summary>
    public int HeldOutEvaluated { get; init; }

    /// <summary>
    /// The trained held-out loss per UTF-8 byte of held-out text (loss ÷ bytes per token): comparable across
    /// vocabulary sizes, where the loss per token is not.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double HeldOutLossPerByte => HeldOutBytesPerToken > 0 ? HeldOutLossTrained / HeldOutBytesPerToken : double.NaN;
}
