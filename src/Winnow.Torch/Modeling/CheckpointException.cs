namespace Winnow.Torch.Modeling;

/// <summary>
/// A checkpoint or tensor file that cannot be used: names the file and, where one is to blame, the tensor,
/// so a bad download or a mismatched model is diagnosable from the message alone.
/// </summary>
public sealed class CheckpointException : Exception
{
    public CheckpointException(string file, string? tensor, string message, Exception? inner = null)
        : base(Compose(file, tensor, message), inner)
    {
        File = file;
        Tensor = tensor;
    }

    public string File { get; }

    public string? Tensor { get; }

    private static string Compose(string file, string? tensor, string message) =>
        tensor is null ? $"{file}: {message}" : $"{file}: tensor '{tensor}': {message}";
}
