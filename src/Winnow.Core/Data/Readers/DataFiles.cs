using System.IO.Compression;

namespace Winnow.Core.Data.Readers;

/// <summary>File access that turns missing files into <see cref="DataFormatException"/> and reads <c>.gz</c> files decompressed.</summary>
internal static class DataFiles
{
    /// <summary>True when <paramref name="path"/> names a gzip-compressed file (<c>train.jsonl.gz</c>).</summary>
    internal static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary><paramref name="path"/> without a trailing <c>.gz</c>: the name that says what the rows are (train.jsonl.gz → train.jsonl).</summary>
    internal static string WithoutGzip(string path) => IsGzip(path) ? path[..^".gz".Length] : path;

    /// <summary>The file's bytes, decompressed when its name ends in <c>.gz</c>; damaged compressed data fails naming the file.</summary>
    internal static Stream OpenRead(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFormatException(DataErrorKind.MissingFile, path, null, "file not found", inner: e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataFormatException(DataErrorKind.MissingFile, path, null, "file cannot be read (access denied)", inner: e);
        }

        return IsGzip(path) ? new GzipInput(path, new GZipStream(file, CompressionMode.Decompress)) : file;
    }

    /// <summary>
    /// A decompressing stream whose <see cref="InvalidDataException"/> (bad header, damaged or truncated data) becomes a
    /// <see cref="DataFormatException"/> naming the file, as every other input error does.
    /// </summary>
    private sealed class GzipInput(string path, GZipStream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return inner.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw Damaged(e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                throw Damaged(e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private DataFormatException Damaged(InvalidDataException e) =>
            new(DataErrorKind.Compression, path, null, $"damaged or truncated gzip data: {e.Message}", inner: e);

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
