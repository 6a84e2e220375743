namespace Winnow.Core.Data;

/// <summary>Why a piece of input was rejected; <see cref="ReadReport"/> counts skipped examples per reason.</summary>
public enum DataErrorKind
{
    /// <summary>A named file or folder does not exist.</summary>
    MissingFile,

    /// <summary>A file (or folder) holds no examples at all.</summary>
    EmptyFile,

    /// <summary>The bytes are not valid UTF-8.</summary>
    Encoding,

    /// <summary>JSON that does not parse.</summary>
    MalformedJson,

    /// <summary>A required field is absent or has the wrong JSON type.</summary>
    MissingField,

    /// <summary>A text line has too few (or too many) columns.</summary>
    ColumnCount,

    /// <summary>Tokens and tags differ in length.</summary>
    LengthMismatch,

    /// <summary>An invalid tag or tag sequence (e.g. I-X after O in a strict BIO file).</summary>
    InvalidTags,

    /// <summary>The file's format could not be recognised, or is not what was asked for.</summary>
    UnknownFormat,

    /// <summary>A record of the wrong task kind (an instruction row where NER was expected, or vice versa).</summary>
    KindMismatch,

    /// <summary>A Parquet file that cannot be read, or a row of Winnow's example schema that breaks its rules.</summary>
    MalformedParquet,
}

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
