namespace Winnow.Core.Data;

/// <summary>
/// Which columns of a JSON, JSONL or Parquet row hold an example, for schemas the readers do not recognise by
/// themselves: <c>prompt=COL,completion=COL</c> for instruction data or <c>tokens=COL,tags=COL</c> for NER, either
/// optionally with <c>id=COL</c>. With a mapping, every row of those formats is read through it (schema detection is
/// off) and the named columns are required in every row; without <c>id=COL</c>, an <c>id</c> field is still used as
/// the example id. CoNLL and TSV files are not affected. NER rows whose tags are integer class ids (Hugging Face
/// datasets' <c>ner_tags</c>) add <c>tag_names=O|B-PER|I-PER|…</c>: the label names in id order, '|'-separated.
/// </summary>
public sealed record FieldMapping
{
    /// <summary>The keys a mapping may name.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["prompt", "completion", "tokens", "tags", "id", "tag_names"];

    /// <summary>The column holding the prompt (instruction data).</summary>
    public string? Prompt { get; init; }

    /// <summary>The column holding the completion (instruction data).</summary>
    public string? Completion { get; init; }

    /// <summary>The column holding the token list (NER).</summary>
    public string? Tokens { get; init; }

    /// <summary>The column holding the tag list (NER).</summary>
    public string? Tags { get; init; }

    /// <summary>The column holding the example id (a string or a number); null = the <c>id</c> field when there is one.</summary>
    public string? Id { get; init; }

    /// <summary>
    /// NER: the names of integer tag ids in id order, '|'-separated as given (<c>O|B-PER|I-PER</c>); null when the tags
    /// are names. Kept as text so that the mapping stays a value (its equality and its canonical text).
    /// </summary>
    public string? TagNames { get; init; }

    /// <summary>The names of <see cref="TagNames"/> as a list (empty when there are none).</summary>
    public IReadOnlyList<string> TagNameList => TagNames is null ? [] : TagNames.Split('|');

    /// <summary>The task kind the mapping reads.</summary>
    public TaskKind Kind => Tokens is null ? TaskKind.Instruction : TaskKind.Ner;

    /// <summary>
    /// Parses <c>KEY=COLUMN</c> pairs separated by commas (spaces around either side are ignored). Unknown keys, a pair
    /// without '=', an empty column, a key given twice, a half pair (prompt without completion, tokens without tags) and
    /// a mix of instruction and NER keys are a <see cref="FormatException"/> that quotes the text.
    /// </summary>
    public static FieldMapping Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Bad(text ?? "", "it is empty");
        var pairs = new List<(string Key, string Column)>();
        foreach (var part in text.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (part.Trim().Length == 0)
                throw Bad(text, "it has an empty entry (two commas in a row, or one at an end)");
            if (equals < 0)
                throw Bad(text, $"'{part.Trim()}' has no '=': expected KEY=COLUMN");
            if (part.IndexOf('=', equals + 1) >= 0)
                throw Bad(text, $"'{part.Trim()}' has more than one '='");
            pairs.Add((part[..equals], part[(equals + 1)..]));
        }

        return FromPairs(pairs, text);
    }

    /// <summary>
    /// A mapping from key/column pairs (a study config's <c>fields:</c> written as a YAML mapping); the same rules as
    /// <see cref="Parse"/>, with <paramref name="shown"/> quoted in errors.
    /// </summary>
    public static FieldMapping FromPairs(IEnumerable<(string Key, string Column)> pairs, string shown)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawKey, rawColumn) in pairs)
        {
            var key = (rawKey ?? "").Trim().ToLowerInvariant();
            var column = (rawColumn ?? "").Trim();
            if (key.Length == 0)
                throw Bad(shown, $"'={column}' names no key: expected one of {string.Join(", ", Keys)}");
            if (!Keys.Contains(key))
                throw Bad(shown, $"unknown key '{key}': expected one of {string.Join(", ", Keys)}");
            if (column.Length == 0)
                throw Bad(shown, $"'{key}=' names no column");
            if (!columns.TryAdd(key, column))
                throw Bad(shown, $"'{key}' is given twice");
        }

        var mapping = new FieldMapping
        {
            Prompt = columns.GetValueOrDefault("prompt"),
            Completion = columns.GetValueOrDefault("completion"),
            Tokens = columns.GetValueOrDefault("tokens"),
            Tags = columns.GetValueOrDefault("tags"),
            Id = columns.GetValueOrDefault("id"),
            TagNames = columns.GetValueOrDefault("tag_names") is { } names ? TagNamesOf(names, shown) : null,
        };
        var instruction = mapping.Prompt is not null || mapping.Completion is not null;
        var ner = mapping.Tokens is not null || mapping.Tags is not null;
        if (instruction && ner)
            throw Bad(shown, "it mixes instruction keys (prompt, completion) with NER keys (tokens, tags): give one pair");
        if (instruction && (mapping.Prompt is null || mapping.Completion is null))
            throw Bad(shown, $"prompt and completion go together: add {(mapping.Prompt is null ? "prompt" : "completion")}=COLUMN");
        if (ner && (mapping.Tokens is null || mapping.Tags is null))
            throw Bad(shown, $"tokens and tags go together: add {(mapping.Tokens is null ? "tokens" : "tags")}=COLUMN");
        if (mapping.TagNames is not null && !ner)
            throw Bad(shown, "tag_names names NER tag ids: give it with tokens=COLUMN,tags=COLUMN");
        if (!instruction && !ner)
            throw Bad(shown, "it maps no example: give prompt=COLUMN,completion=COLUMN (or tokens=COLUMN,tags=COLUMN)");
        return mapping;
    }

    /// <summary>'|'-separated names, each trimmed, none empty, none twice; canonical text "A|B|C".</summary>
    private static string TagNamesOf(string text, string shown)
    {
        var names = text.Split('|').Select(n => n.Trim()).ToList();
        if (names.FindIndex(n => n.Length == 0) is var empty and >= 0)
            throw Bad(shown, $"tag_names: name {empty} (counting from 0) is empty; expected names in id order separated by '|', such as O|B-PER|I-PER");
        var twice = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw Bad(shown, $"tag_names: '{twice.Key}' is given twice");
        return string.Join("|", names);
    }

    /// <summary>The canonical text, readable by <see cref="Parse"/>: prompt, completion, tokens, tags, id, tag_names, in that order.</summary>
    public override string ToString() => string.Join(",",
        new[] { ("prompt", Prompt), ("completion", Completion), ("tokens", Tokens), ("tags", Tags), ("id", Id), ("tag_names", TagNames) }
            .Where(p => p.Item2 is not null)
            .Select(p => $"{p.Item1}={p.Item2}"));

    private static FormatException Bad(string text, string detail) => new($"field mapping '{text}': {detail}.");
}
