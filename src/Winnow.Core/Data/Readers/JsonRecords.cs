using System.Text.Json;

namespace Winnow.Core.Data.Readers;

/// <summary>
/// Turns one JSON object into examples. Accepted shapes, tried in this order (the first that matches decides; other
/// fields are ignored):
/// <list type="number">
/// <item>NER: <c>{tokens: [...], tags: [...]}</c> (<c>ner_tags</c> is an alias of <c>tags</c>; tags must be strings).</item>
/// <item>Chat: <c>{messages: [{role, content}, ...]}</c>. The completion is the last assistant message; the prompt is every
/// earlier message rendered as a "role: content" line, lines joined by "\n". Messages after the last assistant message
/// are an error (they would be silently lost otherwise).</item>
/// <item>Self-instruct seed tasks: <c>{instruction, instances: [{input, output}, ...]}</c>: one example per instance.</item>
/// <item><c>{prompt, completion}</c> (either field decides; the other is then required), and <c>{prompt, response}</c>
/// (a prompt without a completion takes its response when it has one).</item>
/// <item>Alpaca and Dolly: <c>{instruction, input | context, output | response}</c>: prompt = instruction, plus "\n\n" + input
/// (Dolly: context) when that is non-empty; with both, input is used.</item>
/// <item>ShareGPT: <c>{conversations: [{from, value}, ...]}</c>, read like chat with from "human"/"user" → user,
/// "gpt"/"assistant"/"chatgpt"/"bard" → assistant, "system" → system (case-insensitive; other values kept as they are).</item>
/// <item><c>{question, answer}</c>, <c>{input, output}</c>, <c>{query, response}</c>, <c>{inputs, targets}</c> (FLAN and P3 on
/// Hugging Face), <c>{source, target}</c>, each when both fields are there, in that order.</item>
/// </list>
/// With a <see cref="ReadOptions.Fields"/> mapping none of this applies: the mapped columns are read from every row.
/// Anything else is an error that lists the row's fields and names the mapping option.
/// A trailing "&lt;|endoftext|&gt;" (T0 templates) is stripped from completions. An <c>id</c> field (string or number)
/// becomes the example id; with several instances, instance k (k ≥ 2) gets "id#k".
/// </summary>
internal static class JsonRecords
{
    private const string EndOfText = "<|endoftext|>";

    /// <summary>Field pairs read as prompt and completion when both are present, tried in this order.</summary>
    private static readonly (string Prompt, string Completion)[] Pairs =
        [("question", "answer"), ("input", "output"), ("query", "response"), ("inputs", "targets"), ("source", "target")];

    /// <summary>How many of an unrecognised row's field names the error lists.</summary>
    private const int ListedFields = 12;

    private static readonly ChatShape Messages = new("messages", "role", "content", role => role, "message", "with role 'assistant'", "from 'assistant'");
    private static readonly ChatShape ShareGpt = new("conversations", "from", "value", ShareGptRole, "entry of 'conversations'",
        "from 'gpt' (or 'assistant', 'chatgpt', 'bard')", "from 'gpt' (or 'assistant', 'chatgpt', 'bard')");

    /// <summary>
    /// A table row (Parquet, CSV, TSV) written as one JSON object, read like a JSONL line; its errors say "row N" (the
    /// table's N-th data row) besides the line, when the format has one.
    /// </summary>
    internal static List<Parsed> FromTableRow(ReadOnlyMemory<byte> json, long row, long? line, ReaderContext context)
    {
        using var document = JsonDocument.Parse(json);
        try
        {
            return ToExamples(document.RootElement, context, line).Select(Parsed.Ok).ToList();
        }
        catch (DataFormatException e)
        {
            return [Parsed.Fail(new DataFormatException(e.Kind, e.File, e.Line, $"row {row}: {e.Detail}", e.Field, e))];
        }
    }

    internal static IEnumerable<Example> ToExamples(JsonElement record, ReaderContext context, long? line)
    {
        if (record.ValueKind != JsonValueKind.Object)
            throw Missing(context, line, null, $"expected a JSON object, found {Describe(record.ValueKind)}");
        if (context.Options.Fields is { } fields)
            return [FromMapping(record, fields, context, line)];

        var id = OptionalId(record, "id", context, line);
        if (record.TryGetProperty("tokens", out var tokens))
        {
            var (tags, tagsField) = TagsOf(record, context, line);
            return [ToNer(tokens, "tokens", tags, tagsField, id, context, line)];
        }
        if (record.TryGetProperty("messages", out var messages))
            return [ToChat(messages, Messages, id, context, line)];
        if (record.TryGetProperty("instances", out var instances) && record.TryGetProperty("instruction", out _))
            return ToInstances(record, instances, id, context, line);
        if (record.TryGetProperty("prompt", out _) && !record.TryGetProperty("completion", out _) && record.TryGetProperty("response", out _))
            return [Instruction(id, context, RequiredString(record, "prompt", context, line), RequiredString(record, "response", context, line))];
        if (record.TryGetProperty("prompt", out _) || record.TryGetProperty("completion", out _))
            return [Instruction(id, context, RequiredString(record, "prompt", context, line), RequiredString(record, "completion", context, line))];
        if (record.TryGetProperty("instruction", out _))
            return [FromInstruction(record, id, context, line)];
        if (record.TryGetProperty("conversations", out var conversations))
            return [ToChat(conversations, ShareGpt, id, context, line)];
        foreach (var (prompt, completion) in Pairs)
        {
            if (record.TryGetProperty(prompt, out _) && record.TryGetProperty(completion, out _))
                return [Instruction(id, context, RequiredString(record, prompt, context, line), RequiredString(record, completion, context, line))];
        }

        throw Unrecognised(record, context, line);
    }

    /// <summary>The row read through a field mapping: every mapped column is required.</summary>
    private static Example FromMapping(JsonElement record, FieldMapping fields, ReaderContext context, long? line)
    {
        var id = fields.Id is { } idColumn ? IdValue(MappedField(record, idColumn, "id", context, line), idColumn, context, line) : OptionalId(record, "id", context, line);
        if (fields.Tokens is { } tokens && fields.Tags is { } tags)
        {
            return ToNer(MappedField(record, tokens, "tokens", context, line), tokens,
                MappedField(record, tags, "tags", context, line), tags, id, context, line);
        }

        var prompt = MappedField(record, fields.Prompt!, "prompt", context, line);
        var completion = MappedField(record, fields.Completion!, "completion", context, line);
        return Instruction(id, context, MappedString(prompt, fields.Prompt!, "prompt", context, line), MappedString(completion, fields.Completion!, "completion", context, line));
    }

    private static JsonElement MappedField(JsonElement record, string column, string role, ReaderContext context, long? line) =>
        record.TryGetProperty(column, out var value)
            ? value
            : throw Missing(context, line, column, $"missing field '{column}' (the field mapping's {role})");

    private static string MappedString(JsonElement value, string column, string role, ReaderContext context, long? line) =>
        value.ValueKind == JsonValueKind.String
            ? Text(value, column, context, line)
            : throw Missing(context, line, column, $"expected '{column}' (the field mapping's {role}) to be a string, found {Describe(value.ValueKind)}");

    private static DataFormatException Unrecognised(JsonElement record, ReaderContext context, long? line)
    {
        var names = record.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var found = names.Count == 0 ? "no fields"
            : names.Count <= ListedFields ? "fields " + string.Join(", ", names)
            : $"fields {string.Join(", ", names.Take(ListedFields))} and {names.Count - ListedFields} more";
        var mapping = context.Options.Kind == TaskKind.Ner ? "tokens=COL,tags=COL" : "prompt=COL,completion=COL";
        return Missing(context, line, null,
            $"unrecognised row with {found}; expected {{prompt, completion|response}}, {{instruction, input|context, output|response}}, {{messages}}, " +
            $"{{conversations}}, {{question, answer}}, {{input, output}}, {{query, response}}, {{inputs, targets}}, {{source, target}} or {{tokens, tags}}; for other field names " +
            $"pass --fields {mapping} (or `fields:` in a study config)");
    }

    private static (JsonElement Tags, string Field) TagsOf(JsonElement record, ReaderContext context, long? line) =>
        record.TryGetProperty("tags", out var t) ? (t, "tags")
        : record.TryGetProperty("ner_tags", out var n) ? (n, "ner_tags")
        : throw Missing(context, line, "tags", "missing field 'tags' (or 'ner_tags') next to 'tokens'");

    private static NerExample ToNer(JsonElement tokens, string tokensField, JsonElement tagsElement, string tagsField,
        string? id, ReaderContext context, long? line)
    {
        var tokenList = StringArray(tokens, tokensField, context, line);
        var rawTags = TagArray(tagsElement, tagsField, context, line);
        if (tokenList.Length != rawTags.Length)
        {
            throw new DataFormatException(DataErrorKind.LengthMismatch, context.File, line,
                $"token/tag count mismatch: {tokenList.Length} tokens, {rawTags.Length} tags", field: tagsField);
        }

        if (tokenList.Length == 0)
            throw Missing(context, line, tokensField, $"empty '{tokensField}' list");
        var tags = context.Tags.Normalize(rawTags, line is null ? null : Enumerable.Repeat(line.Value, rawTags.Length).ToArray());
        return new NerExample(id ?? ExampleIds.ForNer(tokenList, tags), context.Source, tokenList, tags);
    }

    /// <summary>A chat's JSON names (the list field, each turn's role and text fields), the role as read, and words for errors.</summary>
    private sealed record ChatShape(string Field, string RoleField, string ContentField, Func<string, string> Role, string Entry, string WithAssistant, string FromAssistant);

    private static string ShareGptRole(string from) => from.ToLowerInvariant() switch
    {
        "human" or "user" => "user",
        "gpt" or "assistant" or "chatgpt" or "bard" => "assistant",
        "system" => "system",
        _ => from,
    };

    private static InstructionExample ToChat(JsonElement turnsElement, ChatShape shape, string? id, ReaderContext context, long? line)
    {
        if (turnsElement.ValueKind != JsonValueKind.Array)
            throw Missing(context, line, shape.Field, $"expected '{shape.Field}' to be an array, found {Describe(turnsElement.ValueKind)}");
        var turns = turnsElement.EnumerateArray()
            .Select(m => (Given: RequiredString(m, shape.RoleField, context, line), Content: RequiredString(m, shape.ContentField, context, line)))
            .Select(m => (m.Given, Role: shape.Role(m.Given), m.Content))
            .ToList();
        var last = turns.FindLastIndex(m => m.Role == "assistant");
        if (last < 0)
            throw Missing(context, line, shape.Field, $"expected at least one {shape.Entry} {shape.WithAssistant}");
        if (last != turns.Count - 1)
            throw Missing(context, line, shape.Field, $"expected the last {shape.Entry} to be {shape.FromAssistant}, found '{turns[^1].Given}'");
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
        // Dolly names the input "context"; a row with both keeps the input, as before Dolly rows were read.
        var input = OptionalString(record, record.TryGetProperty("input", out _) ? "input" : "context", context, line);
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

    private static string? OptionalId(JsonElement record, string field, ReaderContext context, long? line) =>
        record.TryGetProperty(field, out var id) ? IdValue(id, field, context, line) : null;

    private static string IdValue(JsonElement id, string field, ReaderContext context, long? line) => id.ValueKind switch
    {
        JsonValueKind.String when Text(id, field, context, line) is { Length: > 0 } s => s,
        JsonValueKind.Number => id.GetRawText(),
        _ => throw Missing(context, line, field, $"expected '{field}' to be a non-empty string or a number, found {Describe(id.ValueKind)}"),
    };

    /// <summary>
    /// The tags as names: strings as they are, or integer class ids (Hugging Face datasets' <c>ner_tags</c>) looked up in
    /// the mapping's <c>tag_names</c>; ids without names, or out of their range, are refused saying what to pass.
    /// </summary>
    private static string[] TagArray(JsonElement array, string field, ReaderContext context, long? line)
    {
        if (array.ValueKind != JsonValueKind.Array || !array.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.Number))
            return StringArray(array, field, context, line);
        var names = context.Options.Fields?.TagNameList ?? [];
        var result = new string[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var id))
                throw Missing(context, line, field, $"expected '{field}' to hold all tag names or all integer tag ids, found {Describe(item.ValueKind)} {item.GetRawText()} at index {i}");
            if (names.Count == 0)
                throw Missing(context, line, field,
                    $"'{field}' holds integer tag ids ({id} at index {i}) and no names for them: pass --fields tokens=COL,tags=COL,tag_names=O|B-PER|I-PER|… "
                    + "(the dataset's label names in id order; `fields:` in a study config)");
            if (id < 0 || id >= names.Count)
                throw Missing(context, line, field, $"tag id {id} at index {i} is outside tag_names, which names ids 0 to {names.Count - 1}");
            result[i++] = names[id];
        }

        return result;
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
