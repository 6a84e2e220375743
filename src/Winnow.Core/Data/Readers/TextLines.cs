using System.Text;

namespace Winnow.Core.Data.Readers;

/// <summary>Streams a file's lines with 1-based numbers, rejecting non-UTF-8 bytes instead of replacing them.</summary>
internal static class TextLines
{
    // Throwing decoder: a silently replaced byte would corrupt tokens and ids without anyone noticing.
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    internal static StreamReader Open(string path) =>
        new(DataFiles.OpenRead(path), StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);

    internal static IEnumerable<(long Number, string Text)> Read(string path)
    {
        using var reader = Open(path);
        long number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                throw new DataFormatException(DataErrorKind.Encoding, path, number + 1, "invalid UTF-8 bytes", inner: e);
            }

            if (line is null)
                yield break;
            number++;
            if (number == 1 && line.StartsWith('\uFEFF'))
                line = line[1..];
            yield return (number, line);
        }
    }
}

/// <summary>File access that turns missing files into <see cref="DataFormatException"/>.</summary>
internal static class DataFiles
{
    internal static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFormatException(DataErrorKind.MissingFile, path, null, "file not found", inner: e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataFormatException(DataErrorKind.MissingFile, path, null, "file cannot be read (access denied)", inner: e);
        }
    }
}
