using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length, a JSON header mapping names to dtype/shape/data_offsets (plus optional
/// string-to-string <c>__metadata__</c>), padded with spaces to a multiple of 8, then the raw little-endian data.
/// Written here by hand because no safetensors package exists for .NET in this project's feed.
/// </summary>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";

    private static readonly Dictionary<string, (ScalarType Type, int Size)> DTypes = new()
    {
        ["F64"] = (ScalarType.Float64, 8),
        ["F32"] = (ScalarType.Float32, 4),
        ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2),
        ["I64"] = (ScalarType.Int64, 8),
        ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2),
        ["I8"] = (ScalarType.Int8, 1),
        ["U8"] = (ScalarType.Byte, 1),
        ["BOOL"] = (ScalarType.Bool, 1),
    };

    public static string DTypeName(ScalarType type) =>
        DTypes.FirstOrDefault(kv => kv.Value.Type == type).Key
        ?? throw new ArgumentException($"safetensors has no code for {type}.", nameof(type));

    public static ScalarType ScalarTypeOf(string dtype) =>
        DTypes.TryGetValue(dtype, out var t) ? t.Type : throw new ArgumentException($"Unknown safetensors dtype '{dtype}'.", nameof(dtype));

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> via a temporary file and a rename, so readers never see half a file.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = BuildHeader(list, metadata, out var totalData);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> lengthBytes = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)header.Length);
                stream.Write(lengthBytes);
                stream.Write(header);
                foreach (var (_, tensor) in list) WriteData(stream, tensor);
                if (stream.Position != 8 + header.Length + totalData)
                    throw new InvalidOperationException("safetensors writer wrote an unexpected number of bytes.");
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The header entries of a file, validated against the file's length.</summary>
    public static (IReadOnlyList<SafeTensorEntry> Entries, IReadOnlyDictionary<string, string> Metadata) ReadHeader(string path)
    {
        using var reader = SafeTensorsReader.Open(path);
        return (reader.Entries, reader.Metadata);
    }

    /// <summary>Every tensor in the file, in its stored dtype (or converted to <paramref name="dtype"/>).</summary>
    public static Dictionary<string, Tensor> Load(string path, ScalarType? dtype = null)
    {
        using var reader = SafeTensorsReader.Open(path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in reader.Entries) result[entry.Name] = reader.Read(entry.Name, dtype);
        return result;
    }

    internal static (ScalarType Type, int Size) Lookup(string dtype) =>
        DTypes.TryGetValue(dtype, out var t) ? t : throw new KeyNotFoundException(dtype);

    internal static bool IsKnown(string dtype) => DTypes.ContainsKey(dtype);

    private static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata, out long totalData)
    {
        var json = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            json[MetadataKey] = meta;
        }
        long offset = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (name == MetadataKey || !seen.Add(name)) throw new ArgumentException($"Duplicate or reserved tensor name '{name}'.", nameof(tensors));
            long bytes = tensor.numel() * tensor.ElementSize;
            json[name] = new JsonObject
            {
                ["dtype"] = DTypeName(tensor.dtype),
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + bytes)),
            };
            offset += bytes;
        }
        totalData = offset;
        var text = json.ToJsonString();
        int padded = (Encoding.UTF8.GetByteCount(text) + 7) / 8 * 8;
        var header = Enumerable.Repeat((byte)' ', padded).ToArray();
        Encoding.UTF8.GetBytes(text, header);
        return header;
    }

    private static void WriteData(Stream stream, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        // The bytes span aliases the tensor's CPU storage, so it must be contiguous and on the CPU.
        var cpu = tensor.detach().cpu().contiguous();
        if (cpu.numel() == 0) return;
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian.");
        stream.Write(cpu.bytes);
    }
}
