namespace Winnow.Torch.Modeling.Import;

/// <summary>What an import wrote: the folder, the config it inferred, and the graph initializers it did not need.</summary>
public sealed record OnnxImportReport(
    string Directory,
    BertConfig Config,
    long Parameters,
    int TensorsWritten,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<string> Notes);
