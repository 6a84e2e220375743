namespace Winnow.Torch.Modeling.Import;

/// <summary>
/// An ONNX file (or its vocabulary) that cannot become a Hugging Face encoder folder: the message names the file and,
/// where one is to blame, the initializer or node, and says why — one line a user can act on.
/// </summary>
public sealed class OnnxImportException(string file, string message, Exception? inner = null)
    : Exception($"{file}: {message}", inner)
{
    public string File { get; } = file;
}
