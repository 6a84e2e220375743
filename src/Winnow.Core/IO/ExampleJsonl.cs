using System.Text.Json;
using Winnow.Core.Data;

namespace Winnow.Core.IO;

/// <summary>
/// JSON Lines output in the examples' own family: instruction → <c>{"id","source","prompt","completion"}</c>,
/// NER → <c>{"id","source","tokens","tags"}</c>. Readable again by <see cref="DatasetReader"/> with the same ids.
/// </summary>
public static class ExampleJsonl
{
    /// <summary>Writes <paramref name="examples"/> (streamed) to <paramref name="path"/>, atomically; all must share one kind.</summary>
    /// <returns>The number of examples written.</returns>
    public static long Write(string path, IEnumerable<Example> examples)
    {
        long written = 0;
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, SkipValidation = false });
            TaskKind? kind = null;
            foreach (var example in examples)
            {
                kind = CheckKind(kind, example);
                WriteOne(json, example);
                json.Flush();
                stream.WriteByte((byte)'\n');
                json.Reset();
                written++;
            }
        });
        return written;
    }

    private static void WriteOne(Utf8JsonWriter json, Example example)
    {
        json.WriteStartObject();
        json.WriteString("id", example.Id);
        json.WriteString("source", example.Source);
        switch (example)
        {
            case InstructionExample i:
                json.WriteString("prompt", i.Prompt);
                json.WriteString("completion", i.Completion);
                break;
            case NerExample n:
                WriteArray(json, "tokens", n.Tokens);
                WriteArray(json, "tags", n.Tags);
                break;
        }

        json.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }

    internal static TaskKind CheckKind(TaskKind? kind, Example example)
    {
        if (kind is not null && kind != example.Kind)
            throw new ArgumentException($"cannot write {example.Kind} example '{example.Id}' into a file of {kind} examples", nameof(example));
        return example.Kind;
    }
}
