using System.Text.Json.Serialization;
using Winnow.Core.Data;

namespace Winnow.Core.IO;

/// <summary>
/// One row of Winnow's example Parquet schema:
/// <c>id</c> (string), <c>source</c> (string), <c>kind</c> ("instruction" or "ner"), <c>prompt</c> and <c>completion</c>
/// (strings, null for NER), <c>tokens</c> and <c>tags</c> (list&lt;string&gt;, null for instruction examples).
/// </summary>
public sealed class ExampleRow
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    [JsonPropertyName("source")]
    public string Source { get; set; } = "";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("prompt")]
    public string? Prompt { get; set; }

    [JsonPropertyName("completion")]
    public string? Completion { get; set; }

    [JsonPropertyName("tokens")]
    public List<string>? Tokens { get; set; }

    [JsonPropertyName("tags")]
    public List<string>? Tags { get; set; }

    /// <summary>The schema's name for a task kind.</summary>
    public static string KindName(TaskKind kind) => kind == TaskKind.Ner ? "ner" : "instruction";

    /// <summary>The row for an example.</summary>
    public static ExampleRow From(Example example) => example switch
    {
        InstructionExample i => new ExampleRow { Id = i.Id, Source = i.Source, Kind = KindName(i.Kind), Prompt = i.Prompt, Completion = i.Completion },
        NerExample n => new ExampleRow { Id = n.Id, Source = n.Source, Kind = KindName(n.Kind), Tokens = [.. n.Tokens], Tags = [.. n.Tags] },
        _ => throw new ArgumentException($"unsupported example type {example.GetType().Name}", nameof(example)),
    };

    /// <summary>The example this row holds; a row that breaks the schema's rules is a <see cref="DataFormatException"/>.</summary>
    public Example ToExample(string file)
    {
        if (string.IsNullOrEmpty(Id) || string.IsNullOrEmpty(Source))
            throw Bad(file, string.IsNullOrEmpty(Id) ? "id" : "source", "empty 'id' or 'source'");
        return Kind switch
        {
            "instruction" when Prompt is not null && Completion is not null => new InstructionExample(Id, Source, Prompt, Completion),
            "instruction" => throw Bad(file, "prompt", $"row '{Id}': instruction rows need 'prompt' and 'completion'"),
            "ner" when Tokens is { Count: > 0 } && Tags is not null && Tokens.Count == Tags.Count => new NerExample(Id, Source, Tokens, Tags),
            "ner" => throw Bad(file, "tags", $"row '{Id}': NER rows need non-empty 'tokens' and as many 'tags'"),
            _ => throw Bad(file, "kind", $"row '{Id}': expected kind 'instruction' or 'ner', found '{Kind}'"),
        };
    }

    private static DataFormatException Bad(string file, string field, string detail) =>
        new(DataErrorKind.MalformedParquet, file, null, detail, field);
}
