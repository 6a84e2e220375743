using Winnow.Core.Data.Readers;

namespace Winnow.Core.Data.Ner;

/// <summary>
/// Maps NER entity types of the sources to the target's types (e.g. musicalartist → PER). Applied to the type after
/// B-/I-; a type with no mapping becomes O, and an I- tag left without its entity start becomes B-.
/// <para>
/// File format (UTF-8 text): one <c>source_type = TARGET_TYPE</c> per line; <c>#</c> starts a comment; a target of
/// <c>O</c> drops the type explicitly. A line <c>[pattern]</c> starts a section whose rules apply only to sources matching
/// the pattern: a source equal to it or under it as a folder (<c>[crossner]</c> matches <c>crossner/music/train</c>), or,
/// with <c>*</c> wildcards, a glob over the whole source (<c>[*/music/*]</c>). Rules before any section apply to every
/// source. For one source the most specific matching section (longest pattern) is looked up first, then shorter ones,
/// then the global rules. Source types are matched case-insensitively; target types are kept as written.
/// </para>
/// </summary>
public sealed class LabelMap
{
    private readonly Dictionary<string, string> _global;
    private readonly List<(string Pattern, Dictionary<string, string> Rules)> _sections;
    private readonly Dictionary<string, Dictionary<string, string>[]> _resolved = new(StringComparer.Ordinal);

    private LabelMap(Dictionary<string, string> global, List<(string, Dictionary<string, string>)> sections)
    {
        _global = global;
        _sections = sections;
        _sections.Sort((a, b) => b.Item1.Length.CompareTo(a.Item1.Length));
    }

    /// <summary>Builds a map from dictionaries: global rules and optional per-source-pattern rules.</summary>
    public static LabelMap FromRules(
        IReadOnlyDictionary<string, string> global,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? perSource = null)
    {
        var sections = (perSource ?? new Dictionary<string, IReadOnlyDictionary<string, string>>())
            .Select(kv => (kv.Key, Copy(kv.Value)))
            .ToList();
        return new LabelMap(Copy(global), sections);
    }

    /// <summary>Reads a label-map file (format above); errors are <see cref="DataFormatException"/>s with the line.</summary>
    public static LabelMap Load(string path) => Parse(TextLines.Read(path), path);

    /// <summary>Parses label-map text (format above).</summary>
    public static LabelMap Parse(string text, string? name = null) =>
        Parse(text.Split('\n').Select((line, i) => ((long)i + 1, line)), name);

    /// <summary>The target type for a source type, or null when it maps to O.</summary>
    public string? MapType(string source, string type)
    {
        foreach (var rules in Resolve(source))
        {
            if (rules.TryGetValue(type, out var target))
                return target == BioTags.Outside ? null : target;
        }

        return null;
    }

    /// <summary>Maps a BIO sentence's types and repairs orphaned I- tags.</summary>
    public string[] Apply(string source, IReadOnlyList<string> tags)
    {
        var mapped = new string[tags.Count];
        for (var i = 0; i < tags.Count; i++)
        {
            var type = BioTags.TypeOf(tags[i]);
            var target = type is null ? null : MapType(source, type);
            mapped[i] = target is null ? BioTags.Outside : $"{tags[i][0]}-{target}";
        }

        return BioTags.Repair(mapped);
    }

    private Dictionary<string, string>[] Resolve(string source)
    {
        if (_resolved.TryGetValue(source, out var cached))
            return cached;
        var chain = _sections.Where(s => Matches(s.Pattern, source)).Select(s => s.Rules).Append(_global).ToArray();
        _resolved[source] = chain;
        return chain;
    }

    private static bool Matches(string pattern, string source)
    {
        if (!pattern.Contains('*'))
            return source == pattern || source.StartsWith(pattern + "/", StringComparison.Ordinal);
        var regex = "^" + string.Join(".*", pattern.Split('*').Select(System.Text.RegularExpressions.Regex.Escape)) + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(source, regex);
    }

    private static Dictionary<string, string> Copy(IReadOnlyDictionary<string, string> rules) =>
        new(rules, StringComparer.OrdinalIgnoreCase);

    private static LabelMap Parse(IEnumerable<(long Number, string Text)> lines, string? name)
    {
        var global = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var sections = new List<(string, Dictionary<string, string>)>();
        var current = global;
        foreach (var (number, raw) in lines)
        {
            var line = StripComment(raw).Trim();
            if (line.Length == 0)
                continue;
            if (line.StartsWith('[') && line.EndsWith(']') && line.Length > 2)
            {
                current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                sections.Add((line[1..^1].Trim(), current));
                continue;
            }

            var equals = line.IndexOf('=');
            var from = equals < 0 ? "" : line[..equals].Trim();
            var to = equals < 0 ? "" : line[(equals + 1)..].Trim();
            if (from.Length == 0 || to.Length == 0 || to.Contains('=') || to.Any(char.IsWhiteSpace))
            {
                throw new DataFormatException(DataErrorKind.ColumnCount, name, number,
                    $"expected 'source_type = TARGET_TYPE' or '[source pattern]', found '{raw.Trim()}'");
            }

            current[from] = to;
        }

        return new LabelMap(global, sections);
    }

    private static string StripComment(string line)
    {
        var hash = line.IndexOf('#');
        return hash < 0 ? line : line[..hash];
    }
}
