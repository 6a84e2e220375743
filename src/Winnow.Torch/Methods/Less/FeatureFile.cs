namespace Winnow.Torch.Methods.Less;

/// <summary>
/// Feature matrices on disk as LESS stores them: fp16, row-major, no header (the shape is in the manifest), so a
/// file of n rows at dimension d is exactly n·d·2 bytes and appending a chunk is appending bytes.
/// </summary>
public static class FeatureFile
{
    public const int BytesPerValue = 2;

    /// <summary>Appends rows of <paramref name="dimension"/> values (rounded to fp16); returns the bytes written.</summary>
    public static long Append(string path, float[] values, int dimension)
    {
        if (values.Length % dimension != 0) throw new ArgumentException("The values are not whole rows.", nameof(values));
        var bytes = new byte[values.Length * BytesPerValue];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * BytesPerValue), (Half)values[i]);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        return bytes.Length;
    }

    /// <summary>Rows [first, first + count) as float32, row-major.</summary>
    public static float[] Read(string path, int dimension, long first, int count)
    {
        var bytes = new byte[(long)count * dimension * BytesPerValue];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        stream.Seek(first * dimension * BytesPerValue, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        var values = new float[(long)count * dimension];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)System.Buffers.Binary.BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(i * BytesPerValue));
        return values;
    }

    public static long Rows(string path, int dimension) => new FileInfo(path).Length / ((long)dimension * BytesPerValue);

    /// <summary>What a value reads back as after a round trip through the file.</summary>
    public static float Round(float value) => (float)(Half)value;
}
