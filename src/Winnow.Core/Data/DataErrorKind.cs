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

    /// <summary>A CSV file its parser cannot read (no header, rows of another width, an unclosed quote).</summary>
    MalformedCsv,

    /// <summary>A gzip-compressed file (<c>.gz</c>) whose compressed bytes are damaged or cut short.</summary>
    Compression,
}
