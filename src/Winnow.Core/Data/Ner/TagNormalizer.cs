namespace Winnow.Core.Data.Ner;

/// <summary>
/// Converts one file's raw tags to BIO, sentence by sentence, keeping what it learned about the file's scheme.
/// Accepted raw tags: "O"; "B-X", "I-X" (and BIOES "S-X" = B-X, "E-X" = I-X; BILOU "U-X" = B-X, "L-X" = I-X; BMES
/// "M-X" = I-X); or bare types "X" (IO files such as
/// GUM's "token TAB type"), where a run of equal types is one entity. A file may not mix bare and prefixed tags.
/// </summary>
internal sealed class TagNormalizer(string file, TagScheme requested)
{
    private TagScheme? _detected = requested == TagScheme.Auto ? null : requested;
    private long _schemeDecidedAt;
    private bool _sawPrefixed;
    private bool _sawBare;

    /// <summary>Normalises one sentence. <paramref name="lines"/> gives each tag's line for error messages (may be null).</summary>
    internal string[] Normalize(IReadOnlyList<string> rawTags, IReadOnlyList<long>? lines)
    {
        var result = new string[rawTags.Count];
        string? previousType = null;
        for (var i = 0; i < rawTags.Count; i++)
        {
            var line = lines?[i];
            var (prefix, type) = Parse(rawTags[i], line);
            result[i] = prefix switch
            {
                'O' => BioTags.Outside,
                '\0' => (previousType == type ? "I-" : "B-") + type,
                'B' => Begin(type!, previousType, line),
                _ => Inside(rawTags[i], type!, previousType, line),
            };
            previousType = type;
        }

        return result;
    }

    private string Begin(string type, string? previousType, long? line)
    {
        if (_detected is null && previousType != type)
            Decide(TagScheme.Bio, line);
        return "B-" + type;
    }

    private string Inside(string raw, string type, string? previousType, long? line)
    {
        if (previousType == type)
            return "I-" + type;
        if (_detected is null)
            Decide(TagScheme.Iob1, line);
        if (_detected == TagScheme.Bio)
        {
            var why = requested == TagScheme.Bio ? "the file is read as strict BIO"
                : $"the file is BIO (an entity started with B- on line {_schemeDecidedAt})";
            throw new DataFormatException(DataErrorKind.InvalidTags, file, line,
                $"invalid BIO sequence: '{raw}' follows {(previousType is null ? "O" : "a " + previousType + " tag")}; {why}, where entities start with B-{type}; use tag scheme IOB1 if that is what the file is",
                field: "tag");
        }

        // IOB1: an I-X that starts an entity is its B-X.
        return "B-" + type;
    }

    private void Decide(TagScheme scheme, long? line)
    {
        _detected = scheme;
        _schemeDecidedAt = line ?? 0;
    }

    private (char Prefix, string? Type) Parse(string raw, long? line)
    {
        var tag = raw.Trim();
        if (tag.Length == 0)
            throw Invalid(raw, line, "empty tag");
        if (tag == BioTags.Outside)
            return ('O', null);
        if (tag.Length >= 2 && tag[1] == '-' && tag[0] is 'B' or 'I' or 'E' or 'S' or 'L' or 'U' or 'M')
        {
            if (tag.Length == 2)
                throw Invalid(raw, line, $"tag '{raw}' has no entity type");
            _sawPrefixed = true;
            CheckNotMixed(raw, line);
            return (tag[0] is 'B' or 'S' or 'U' ? 'B' : 'I', tag[2..]);
        }

        _sawBare = true;
        CheckNotMixed(raw, line);
        return ('\0', tag);
    }

    private void CheckNotMixed(string raw, long? line)
    {
        if (_sawPrefixed && _sawBare)
            throw Invalid(raw, line, $"tag '{raw}' mixes bare entity types with B-/I- prefixed tags in one file");
    }

    private DataFormatException Invalid(string raw, long? line, string detail) =>
        new(DataErrorKind.InvalidTags, file, line, detail, field: "tag");
}
