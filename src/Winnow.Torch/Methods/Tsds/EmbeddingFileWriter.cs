using System.Buffers.Binary;
using System.Text;

namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// A matrix of embeddings on disk: a 24-byte header ("WNEMB1\0\0", rows int64, dim int32, bytes per value int32: 4 =
/// fp32, 2 = fp16) then the rows, little-endian, row-major. Rows are appended as they are produced, so a pool of any
/// size is embedded with one chunk in memory; the row count is patched into the header on completion.
/// </summary>
public sealed class EmbeddingFileWriter : IDisposable
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("WNEMB1\0\0");
    private readonly FileStream _stream;
    private readonly string _path;
    private readonly string _partial;
    private bool _completed;

    public EmbeddingFileWriter(string path, int dimension, bool half)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        _path = path;
        _partial = path + ".partial";
        Dimension = dimension;
        IsHalf = half;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _stream = new FileStream(_partial, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        WriteHeader(0);
    }

    public int Dimension { get; }
    public bool IsHalf { get; }
    public long Rows { get; private set; }

    public static int HeaderBytes => 24;

    public void Append(ReadOnlySpan<float> rows)
    {
        if (rows.Length % Dimension != 0) throw new ArgumentException("A partial row cannot be appended.", nameof(rows));
        int width = IsHalf ? 2 : 4;
        var buffer = new byte[rows.Length * width];
        for (int i = 0; i < rows.Length; i++)
        {
            if (IsHalf) BinaryPrimitives.WriteHalfLittleEndian(buffer.AsSpan(2 * i), (System.Half)rows[i]);
            else BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), rows[i]);
        }
        _stream.Write(buffer);
        Rows += rows.Length / Dimension;
    }

    /// <summary>Patches the row count and moves the file into place; returns its size in bytes.</summary>
    public long Complete()
    {
        WriteHeader(Rows);
        long bytes = _stream.Length;
        _stream.Dispose();
        File.Move(_partial, _path, overwrite: true);
        _completed = true;
        return bytes;
    }

    private void WriteHeader(long rows)
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), Dimension);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(20), IsHalf ? 2 : 4);
        _stream.Position = 0;
        _stream.Write(header);
        _stream.Seek(0, SeekOrigin.End);
    }

    public void Dispose()
    {
        if (_completed) return;
        _stream.Dispose();
        File.Delete(_partial);
    }

    /// <summary>Reads a whole file into fp32 memory: rows × dim floats, row-major.</summary>
    public static (float[] Vectors, int Rows, int Dimension) ReadAll(string path)
    {
        using var stream = File.OpenRead(path);
        var header = new byte[HeaderBytes];
        stream.ReadExactly(header);
        if (!header.AsSpan(0, 8).SequenceEqual(Magic)) throw new InvalidDataException($"{path} is not a Winnow embedding file.");
        long rows = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(8));
        int dim = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(16));
        int width = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(20));
        if (width is not (2 or 4) || dim < 1 || rows < 0 || stream.Length != HeaderBytes + rows * dim * width)
            throw new InvalidDataException($"{path}: the header does not match the file's size (truncated or corrupt).");
        var values = new float[checked((int)(rows * dim))];
        var buffer = new byte[Math.Min(values.Length, 1 << 20) * width];
        int done = 0;
        while (done < values.Length)
        {
            int count = Math.Min(values.Length - done, buffer.Length / width);
            stream.ReadExactly(buffer, 0, count * width);
            for (int i = 0; i < count; i++)
                values[done + i] = width == 2 ? (float)BinaryPrimitives.ReadHalfLittleEndian(buffer.AsSpan(2 * i)) : BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(4 * i));
            done += count;
        }
        return (values, (int)rows, dim);
    }
}
