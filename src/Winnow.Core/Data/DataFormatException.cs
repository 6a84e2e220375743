namespace Winnow.Core.Data;

/// <summary>
/// The one exception every reader throws for bad input. The message reads "FILE:LINE: detail" (LINE omitted when the
/// format has no lines, e.g. Parquet), so it can be shown to the user as is.
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(DataErrorKind kind, string? file, long? line, string detail, string? field = null, Exception? inner = null)
        : base(Compose(file, line, detail), inner)
    {
        Kind = kind;
        File = file;
        Line = line;
        Detail = detail;
        Field = field;
    }

    /// <summary>Why the input was rejected.</summary>
    public DataErrorKind Kind { get; }

    /// <summary>The file as the user named it (or as found under a named folder); null when not file-bound.</summary>
    public string? File { get; }

    /// <summary>1-based line number, when the format has lines.</summary>
    public long? Line { get; }

    /// <summary>The JSON field or column involved, when there is one.</summary>
    public string? Field { get; }

    /// <summary>The message without the "FILE:LINE: " location prefix.</summary>
    public string Detail { get; }

    private static string Compose(string? file, long? line, string detail) => (file, line) switch
    {
        (null, _) => detail,
        (_, null) => $"{file}: {detail}",
        _ => $"{file}:{line}: {detail}",
    };
}
