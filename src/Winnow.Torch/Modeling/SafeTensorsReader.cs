using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// An open safetensors file whose header has been validated; tensors are read one at a time so a large
/// checkpoint never needs two copies in memory.
/// </summary>
public sealed class SafeTensorsReader : IDisposable
{
    /// <summary>Headers larger than this are treated as corrupt rather than allocated.</summary>
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    private readonly FileStream _stream;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorEntry> _byName;

    private SafeTensorsReader(string path, FileStream stream, long dataStart, List<SafeTensorEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        _stream = stream;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    public IReadOnlyList<SafeTensorEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public SafeTensorEntry Entry(string name) =>
        _byName.TryGetValue(name, out var e) ? e : throw new CheckpointException(Path, name, "not in this file.");

    public static SafeTensorsReader Open(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, null, $"cannot open: {e.Message}", e);
        }
        try
        {
            var (dataStart, entries, metadata) = ParseHeader(path, stream);
            return new SafeTensorsReader(path, stream, dataStart, entries, metadata);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads one tensor; converts to <paramref name="dtype"/> when given.</summary>
    public Tensor Read(string name, ScalarType? dtype = null)
    {
        var entry = Entry(name);
        var (type, _) = SafeTensors.Lookup(entry.DType);
        using var scope = torch.NewDisposeScope();
        var tensor = torch.empty(entry.Shape, type);
        if (entry.ByteLength > 0)
        {
            if (entry.ByteLength > int.MaxValue) throw new CheckpointException(Path, name, "tensors over 2 GiB are not supported.");
            var buffer = new byte[entry.ByteLength];
            _stream.Seek(_dataStart + entry.Begin, SeekOrigin.Begin);
            _stream.ReadExactly(buffer);
            tensor.bytes = buffer;
        }
        if (dtype is { } target && target != type) tensor = tensor.to_type(target);
        return tensor.MoveToOuterDisposeScope();
    }

    public void Dispose() => _stream.Dispose();

    private static (long DataStart, List<SafeTensorEntry> Entries, Dictionary<string, string> Metadata) ParseHeader(string path, FileStream stream)
    {
        long fileLength = stream.Length;
        if (fileLength < 8) throw new CheckpointException(path, null, $"truncated: {fileLength} bytes, shorter than the 8-byte header length.");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw new CheckpointException(path, null, $"header length {headerLength} runs past the end of the file ({fileLength} bytes): truncated or not a safetensors file.");
        if (headerLength > MaxHeaderBytes) throw new CheckpointException(path, null, $"header length {headerLength} is implausibly large.");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        JsonObject json;
        try
        {
            // Strict decoding first: JsonNode defers transcoding names, so invalid UTF-8 would surface mid-iteration.
            var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(header);
            json = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("header is not a JSON object");
            _ = json.Count;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new CheckpointException(path, null, $"header is not valid UTF-8 JSON: {e.Message}", e);
        }
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<SafeTensorEntry>();
        foreach (var (name, node) in json)
        {
            if (name == "__metadata__")
            {
                if (node is JsonObject meta)
                    foreach (var (k, v) in meta) metadata[k] = v?.ToString() ?? "";
                continue;
            }
            entries.Add(ParseEntry(path, name, node, dataLength));
        }
        CheckNoOverlap(path, entries);
        return (dataStart, entries, metadata);
    }

    /// <summary>
    /// Two tensors sharing data bytes would load as aliased copies of one another (the safetensors format gives each
    /// tensor its own byte range): such a file is corrupt or crafted, and is refused naming both tensors.
    /// </summary>
    private static void CheckNoOverlap(string path, List<SafeTensorEntry> entries)
    {
        SafeTensorEntry? previous = null;
        foreach (var entry in entries.Where(e => e.ByteLength > 0).OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (previous is not null && entry.Begin < previous.End)
                throw new CheckpointException(path, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] overlap those of tensor '{previous.Name}' [{previous.Begin}, {previous.End}]: each tensor must own its bytes (corrupt or crafted file).");
            if (previous is null || entry.End > previous.End) previous = entry;
        }
    }

    private static SafeTensorEntry ParseEntry(string path, string name, JsonNode? node, long dataLength)
    {
        try
        {
            var obj = node as JsonObject ?? throw new FormatException("entry is not an object");
            var dtype = obj["dtype"]?.GetValue<string>() ?? throw new FormatException("no dtype");
            if (!SafeTensors.IsKnown(dtype)) throw new CheckpointException(path, name, $"unknown or unsupported dtype '{dtype}'.");
            var shape = (obj["shape"] as JsonArray ?? throw new FormatException("no shape")).Select(d => d!.GetValue<long>()).ToArray();
            var offsets = obj["data_offsets"] as JsonArray ?? throw new FormatException("no data_offsets");
            if (offsets.Count != 2) throw new FormatException("data_offsets must have two numbers");
            long begin = offsets[0]!.GetValue<long>(), end = offsets[1]!.GetValue<long>();
            if (shape.Any(d => d < 0)) throw new FormatException("negative dimension");
            long expected = shape.Aggregate(1L, (a, d) => checked(a * d)) * SafeTensors.Lookup(dtype).Size;
            if (begin < 0 || end < begin || end > dataLength)
                throw new CheckpointException(path, name, $"data_offsets [{begin}, {end}] lie outside the {dataLength} data bytes: truncated file?");
            if (end - begin != expected)
                throw new CheckpointException(path, name, $"holds {end - begin} bytes but {dtype}[{string.Join(",", shape)}] needs {expected}.");
            return new SafeTensorEntry(name, dtype, shape, begin, end);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException or JsonException)
        {
            throw new CheckpointException(path, name, $"malformed header entry: {e.Message}", e);
        }
    }
}
