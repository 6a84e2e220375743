using Winnow.Core.IO;
using System.Text;

namespace Winnow.Torch.Training;

/// <summary>
/// The optimizer-state file (<c>optimizer.bin</c>), little-endian:
/// <code>
/// "WNADAMW1"                 8 ASCII bytes
/// int32  parameter count
/// per parameter:
///   string name              .NET BinaryWriter string (7-bit length prefix, UTF-8)
///   int64  step
///   int32  rank, int64[rank] shape
///   float32[numel] exp_avg   (m), row-major
///   float32[numel] exp_avg_sq (v), row-major
/// </code>
/// Hyper-parameters are not stored: they belong to the run's options.
/// </summary>
public static class OptimizerStateFile
{
    private static readonly byte[] Magic = "WNADAMW1"u8.ToArray();

    public static void Write(string path, AdamWState state)
    {
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(state.Parameters.Count);
            foreach (var p in state.Parameters) WriteParameter(w, p);
        });
    }

    public static AdamWState Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not a Winnow optimizer-state file.");
        int count = r.ReadInt32();
        var parameters = new AdamMoments[count];
        for (int i = 0; i < count; i++) parameters[i] = ReadParameter(r, path);
        return new AdamWState(parameters);
    }

    private static void WriteParameter(BinaryWriter w, AdamMoments p)
    {
        long numel = p.Shape.Aggregate(1L, (a, b) => a * b);
        if (p.ExpAvg.Length != numel || p.ExpAvgSq.Length != numel)
            throw new ArgumentException($"Moments of '{p.Name}' do not match its shape.");
        w.Write(p.Name);
        w.Write(p.Step);
        w.Write(p.Shape.Length);
        foreach (var d in p.Shape) w.Write(d);
        WriteFloats(w, p.ExpAvg);
        WriteFloats(w, p.ExpAvgSq);
    }

    private static AdamMoments ReadParameter(BinaryReader r, string path)
    {
        string name = r.ReadString();
        long step = r.ReadInt64();
        int rank = r.ReadInt32();
        if (rank is < 0 or > 16) throw new InvalidDataException($"{path}: parameter '{name}' has rank {rank}.");
        var shape = new long[rank];
        for (int d = 0; d < rank; d++) shape[d] = r.ReadInt64();
        long numel = shape.Aggregate(1L, (a, b) => a * b);
        if (numel is < 0 or > int.MaxValue) throw new InvalidDataException($"{path}: parameter '{name}' has {numel} elements.");
        return new AdamMoments(name, shape, step, ReadFloats(r, (int)numel), ReadFloats(r, (int)numel));
    }

    private static void WriteFloats(BinaryWriter w, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }
        foreach (var v in values) w.Write(v);
    }

    private static float[] ReadFloats(BinaryReader r, int count)
    {
        var values = new float[count];
        if (BitConverter.IsLittleEndian)
        {
            // BinaryReader never reads ahead for these calls, so reading the base stream directly is safe.
            r.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }
        for (int i = 0; i < count; i++) values[i] = r.ReadSingle();
        return values;
    }
}

