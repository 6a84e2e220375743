using System.Globalization;

namespace Winnow.Methods.Common;

/// <summary>
/// Reads a method's text settings (<c>--set key=value</c>) into typed values and refuses what it did not read, so a
/// misspelt key is an error rather than a silently ignored option.
/// </summary>
public sealed class MethodSettings(string method, IReadOnlyDictionary<string, string> settings)
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public int? Int(string key, int? fallback = null) => Parse(key, fallback, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture), "an integer");

    public double? Double(string key, double? fallback = null) =>
        Parse(key, fallback, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), "a number");

    public bool Bool(string key, bool fallback = false) => Parse<bool?>(key, fallback, s => s.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new FormatException(),
    }, "true or false") ?? fallback;

    /// <summary>A value turned into <typeparamref name="T"/> by <paramref name="parse"/>, which throws ArgumentException with its own message.</summary>
    public T? Text<T>(string key, Func<string, T> parse, T? fallback = default)
    {
        _known.Add(key);
        return settings.TryGetValue(key, out var text) ? parse(text) : fallback;
    }

    /// <summary>Call after reading every key the method knows.</summary>
    public void RejectUnknown()
    {
        var unknown = settings.Keys.Where(k => !_known.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException(
                $"Unknown setting{(unknown.Length > 1 ? "s" : "")} {string.Join(", ", unknown.Select(k => $"'{k}'"))} for method {method}: " +
                (_known.Count == 0 ? "it takes none." : $"expected {string.Join(", ", _known.Order(StringComparer.Ordinal))}."));
    }

    private T? Parse<T>(string key, T? fallback, Func<string, T> parse, string what)
    {
        _known.Add(key);
        if (!settings.TryGetValue(key, out var text)) return fallback;
        try
        {
            return parse(text.Trim());
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new ArgumentException($"Setting {key}={text} for method {method}: expected {what}.");
        }
    }

    /// <summary>Parses <c>key=value</c> pairs (the CLI's repeatable <c>--set</c>); a key given twice is an error.</summary>
    public static Dictionary<string, string> ParsePairs(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--set '{pair}': expected key=value.");
            string key = pair[..eq].Trim().Replace('-', '_').ToLowerInvariant();
            if (!result.TryAdd(key, pair[(eq + 1)..].Trim())) throw new ArgumentException($"--set {key} is given twice.");
        }
        return result;
    }
}
