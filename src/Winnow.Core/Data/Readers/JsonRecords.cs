using System.Text.Json;

namespace Winnow.Core.Data.Readers;

/// <summary>
/// Turns one JSON object into examples. Accepted shapes, tried in this order:
/// <list type="bullet">
/// <item>NER: <c>{tokens: [...], tags: [...]}</c> (<c>ner_tags</c> is an alias of <c>tags</c>; tags must be strings).</item>
/// <item>Chat: <c>{messages: [{role, content}, ...]}</c>. The completion is the last assistant message; the prompt is every
/// earlier message rendered as a "role: content" line, lines joined by "\n". Messages after the last assistant message
/// are an error (they would be silently lost otherwise).</item>
/// <item>Self-instruct seed tasks: <c>{instruction, instances: [{input, output}, ...]}</c>: one example per instance.</item>
/// <item><c>{prompt, completion}</c>.</item>
/// <item><c>{instruction, input?, output | response}</c>: prompt = instruction, plus "\n\n" + input when input is non-empty.</item>
/// </list>
/// A trailing "&lt;|endoftext|&gt;" (T0 templates) is stripped from completions. An <c>id</c> field (string or number)
/// becomes the example id; with several instances, instance k (k ≥ 2) gets "id#k".
/// </summary>
internal static class JsonRecords
{
    private const string EndOfText = "<|endoftext|>";

    internal static IEnumerable<Example> ToExamples(JsonElement record, ReaderContext context, long? line)
    {
        if (record.ValueKind != JsonValueKind.Object)
            throw Missing(context, line, null, $"expected a JSON object, found {Describe(record.ValueKind)}");

        var id = ReadId(record, context, line);
        if (record.TryGetProperty("tokens", out var tokens))
            return [ToNer(record, tokens, id, context, line)];
        if (record.TryGetProperty("messages", out var messages))
            return [ToChat(messages, id, context, line)];
        if (record.TryGetProperty("instances", out var instances) && record.TryGetProperty("instruction", out _))
            return ToInstances(record, instances, id, context, line);
        if (record.TryGetProperty("prompt", out _) || record.TryGetProperty("completion", out _))
            return [Instruction(id, context, RequiredString(record, "prompt", context, line), RequiredString(record, "completion", context, line))];
        if (record.TryGetProperty("instruction", out _))
            return [FromInstruction(record, id, context, line)];
        throw Missing(context, line, null,
            "expected fields {prompt, completion}, {instruction, output|response}, {messages} or {tokens, tags}");
    }

    private static NerExample ToNer(JsonElement record, JsonElement tokens, string? id, ReaderContext context, long? line)
    {
        var tagsElement = record.TryGetProperty("tags", out var t) ? t
            : record.TryGetProperty("ner_tags", out var n) ? n
            : throw Missing(context, line, "tags", "missing field 'tags' (or 'ner_tags') next to 'tokens'");
        var tokenList = StringArray(tokens, "tokens", context, line);
        var rawTags = StringArray(tagsElement, "tags", context, line);
        if (tokenList.Length != rawTags.Length)
        {
            throw new DataFormatException(DataErrorKind.LengthMismatch, context.File, line,
                $"token/tag count mismatch: {tokenList.Length} tokens, {rawTags.Length} tags", field: "tags");
        }

        if (tokenList.Length == 0)
            throw Missing(context, line, "tokens", "empty 'tokens' list");
        var tags = context.Tags.Normalize(rawTags, line is null ? null : Enumerable.Repeat(line.Value, rawTags.Length).ToArray());
        return new NerExample(id ?? ExampleIds.ForNer(tokenList, tags), context.Source, tokenList, tags);
    }

    private static InstructionExample ToChat(JsonElement messages, string? id, ReaderContext context, long? line)
    {
        if (messages.ValueKind != JsonValueKind.Array)
            throw Missing(context, line, "messages", $"expected 'messages' to be an array, found {Describe(messages.ValueKind)}");
        var turns = messages.EnumerateArray()
            .Select(m => (Role: RequiredString(m, "role", context, line), Content: RequiredString(m, "content", context, line)))
            .ToList();
        var last = turns.FindLastIndex(m => m.Role == "assistant");
        if (last < 0)
            throw Missing(context, line, "messages", "expected at least one message with role 'assistant'");
        if (last != turns.Count - 1)
            throw Missing(context, line, "messages", $"expected the last message to be from 'assistant', found '{turns[^1].Role}'");
        var prompt = string.Join("\n", turns.Take(last).Select(m => $"{m.Role}: {m.Content}"));
        return Instruction(id, context, prompt, turns[last].Content);
    }

    private static IEnumerable<Example> ToInstances(JsonElement record, JsonElement instances, string? id, ReaderContext context, long? line)
    {
        if (instances.ValueKind != JsonValueKind.Array || instances.GetArrayLength() == 0)
            throw Missing(context, line, "instances", "expected 'instances' to be a non-empty array");
        var instruction = RequiredString(record, "instruction", context, line);
        var examples = new List<Example>();
        var k = 0;
        foreach (var instance in instances.EnumerateArray())
        {
            k++;
            var input = OptionalString(instance, "input", context, line);
            var output = RequiredString(instance, "output", context, line);
            var instanceId = id is null ? null : k == 1 ? id : $"{id}#{k}";
            examples.Add(Instruction(instanceId, context, Join(instruction, input), output));
        }

        return examples;
    }

    private static InstructionExample FromInstruction(JsonElement record, string? id, ReaderContext context, long? line)
    {
        var instruction = RequiredString(record, "instruction", context, line);
        var input = OptionalString(record, "input", context, line);
        var output = record.TryGetProperty("output", out _) ? RequiredString(record, "output", context, line)
            : record.TryGetProperty("response", out _) ? RequiredString(record, "response", context, line)
            : throw Missing(context, line, "output", "missing field 'output' (or 'response') next to 'instruction'");
        return Instruction(id, context, Join(instruction, input), output);
    }

    private static InstructionExample Instruction(string? id, ReaderContext context, string prompt, string completion)
    {
        if (completion.EndsWith(EndOfText, StringComparison.Ordinal))
            completion = completion[..^EndOfText.Length];
        return new InstructionExample(id ?? ExampleIds.ForInstruction(prompt, completion), context.Source, prompt, completion);
    }

    private static string Join(string instruction, string? input) =>
        string.IsNullOrEmpty(input) ? instruction : instruction + "\n\n" + input;

    private static string? ReadId(JsonElement record, ReaderContext context, long? line)
    {
        if (!record.TryGetProperty("id", out var id))
            return null;
        return id.ValueKind switch
        {
            JsonValueKind.String when Text(id, "id", context, line) is { Length: > 0 } s => s,
            JsonValueKind.Number => id.GetRawText(),
            _ => throw Missing(context, line, "id", $"expected 'id' to be a non-empty string or a number, found {Describe(id.ValueKind)}"),
        };
    }

    private static string[] StringArray(JsonElement array, string field, ReaderContext context, long? line)
    {
        if (array.ValueKind != JsonValueKind.Array)
            throw Missing(context, line, field, $"expected '{field}' to be an array of strings, found {Describe(array.ValueKind)}");
        var result = new string[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                throw Missing(context, line, field, $"expected '{field}' to hold strings, found {Describe(item.ValueKind)} at index {i}");
            result[i++] = Text(item, field, context, line);
        }

        return result;
    }

    private static string RequiredString(JsonElement record, string field, ReaderContext context, long? line)
    {
        if (record.ValueKind != JsonValueKind.Object)
            throw Missing(context, line, field, $"expected an object with '{field}', found {Describe(record.ValueKind)}");
        if (!record.TryGetProperty(field, out var value))
            throw Missing(context, line, field, $"missing field '{field}'");
        if (value.ValueKind != JsonValueKind.String)
            throw Missing(context, line, field, $"expected '{field}' to be a string, found {Describe(value.ValueKind)}");
        return Text(value, field, context, line);
    }

    private static string? OptionalString(JsonElement record, string field, ReaderContext context, long? line)
    {
        if (record.ValueKind != JsonValueKind.Object)
            throw Missing(context, line, field, $"expected an object, found {Describe(record.ValueKind)}");
        if (!record.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return RequiredString(record, field, context, line);
    }

    private static string Text(JsonElement value, string field, ReaderContext context, long? line)
    {
        try
        {
            return value.GetString() ?? "";
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json validates UTF-8 inside strings only when they are decoded.
            throw new DataFormatException(DataErrorKind.Encoding, context.File, line, $"invalid UTF-8 in '{field}'", field, e);
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static DataFormatException Missing(ReaderContext context, long? line, string? field, string detail) =>
        new(DataErrorKind.MissingField, context.File, line, detail, field);
}
