using Winnow.Core.IO;
using System.Text;
using System.Text.Json;

namespace Winnow.Torch.Evaluation;

/// <summary>
/// Per-example and per-token result files, one JSON object per line, written atomically (temp file + rename):
/// <code>
/// losses:  {"index":0,"id":"ex-1","loss":1.2345,"predicted":7}     (loss null when predicted is 0)
/// tokens:  {"index":0,"id":"ex-1","logprobs":[-0.12,-3.4,...]}
/// </code>
/// Lines are in the order given; readers return them as read.
/// </summary>
public static class EvaluationFiles
{
    public static void WriteExampleLosses(string path, IEnumerable<ExampleLoss> losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        WriteLines(path, losses, (w, l) =>
        {
            WriteKey(w, l.Index, l.Id);
            if (double.IsFinite(l.Loss)) w.WriteNumber("loss", l.Loss); else w.WriteNull("loss");
            w.WriteNumber("predicted", l.PredictedTokens);
        });
    }

    public static void WriteTokenLogProbs(string path, IEnumerable<ExampleTokenLogProbs> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        WriteLines(path, examples, (w, e) =>
        {
            WriteKey(w, e.Index, e.Id);
            w.WriteStartArray("logprobs");
            foreach (var v in e.LogProbs)
            {
                if (float.IsFinite(v)) w.WriteNumberValue(v); else w.WriteNullValue();
            }
            w.WriteEndArray();
        });
    }

    public static IReadOnlyList<ExampleLoss> ReadExampleLosses(string path) =>
        ReadLines(path, root => new ExampleLoss(
            root.GetProperty("index").GetInt32(),
            ReadId(root),
            root.GetProperty("loss").ValueKind == JsonValueKind.Null ? double.NaN : root.GetProperty("loss").GetDouble(),
            root.GetProperty("predicted").GetInt32()));

    /// <summary>Reads a tokens file; a null (non-finite when written) value reads as NaN.</summary>
    public static IReadOnlyList<ExampleTokenLogProbs> ReadTokenLogProbs(string path) =>
        ReadLines(path, root => new ExampleTokenLogProbs(
            root.GetProperty("index").GetInt32(),
            ReadId(root),
            root.GetProperty("logprobs").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? float.NaN : v.GetSingle()).ToArray()));

    private static void WriteKey(Utf8JsonWriter w, int index, string? id)
    {
        w.WriteNumber("index", index);
        if (id is null) w.WriteNull("id"); else w.WriteString("id", id);
    }

    private static string? ReadId(JsonElement root) =>
        root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    private static void WriteLines<T>(string path, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeBody)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream);
            foreach (var item in items)
            {
                writer.WriteStartObject();
                writeBody(writer, item);
                writer.WriteEndObject();
                writer.Flush();
                writer.Reset();
                stream.WriteByte((byte)'\n');
            }
        });
    }

    private static IReadOnlyList<T> ReadLines<T>(string path, Func<JsonElement, T> parse)
    {
        var results = new List<T>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                results.Add(parse(doc.RootElement));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: {e.Message}", e);
            }
        }
        return results;
    }
}
