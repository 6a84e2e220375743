using System.Buffers;
using System.Text;

namespace Winnow.Core.Data.Readers;

/// <summary>Streams a file's lines with 1-based numbers, rejecting non-UTF-8 bytes instead of replacing them.</summary>
internal static class TextLines
{
    // Throwing decoder: a silently replaced byte would corrupt tokens and ids without anyone noticing.
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Yields the lines of <paramref name="path"/> without their "\n" or "\r\n" endings.</summary>
    internal static IEnumerable<(long Number, string Text)> Read(string path)
    {
        // Lines are split on bytes and decoded one at a time, so an encoding error names its own line.
        using var stream = DataFiles.OpenRead(path);
        var buffer = new byte[1 << 16];
        var pending = new ArrayBufferWriter<byte>();
        long number = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            var start = 0;
            while (true)
            {
                var newline = buffer.AsSpan(start, read - start).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    pending.Write(buffer.AsSpan(start, read - start));
                    break;
                }

                pending.Write(buffer.AsSpan(start, newline));
                number++;
                var text = Decode(pending.WrittenSpan, path, number);
                pending.ResetWrittenCount();
                start += newline + 1;
                yield return (number, text);
            }
        }

        if (pending.WrittenCount > 0)
            yield return (number + 1, Decode(pending.WrittenSpan, path, number + 1));
    }

    private static string Decode(ReadOnlySpan<byte> line, string path, long number)
    {
        if (line.EndsWith((byte)'\r'))
            line = line[..^1];
        if (number == 1 && line.StartsWith(Utf8Bom))
            line = line[Utf8Bom.Length..];
        try
        {
            return StrictUtf8.GetString(line);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataFormatException(DataErrorKind.Encoding, path, number, "invalid UTF-8 bytes", inner: e);
        }
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
}
