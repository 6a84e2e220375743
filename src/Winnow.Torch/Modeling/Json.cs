using System.Text.Json.Nodes;

namespace Winnow.Torch.Modeling;

/// <summary>Small typed getters over <see cref="JsonObject"/> that tolerate absent keys and JSON nulls.</summary>
internal static class Json
{
    public static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static int Int(JsonObject o, string key, int fallback) => IntOrNull(o, key) ?? fallback;

    /// <summary>
    /// A size field the model cannot be built without. Filling it with a default (Llama-7B's hidden 4096, 32 layers)
    /// would build a model other than the checkpoint's, or one larger than the machine, so its absence is an error.
    /// </summary>
    public static int Required(JsonObject o, string key, string architecture) =>
        IntOrNull(o, key) ?? throw new ModelConfigException($"missing required field '{key}' ({architecture} needs it; Winnow does not guess model sizes).");

    public static int? IntOrNull(JsonObject o, string key) => NumOrNull(o, key) is { } d
        ? d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : throw new FormatException($"config key '{key}' must be a whole number, got {d}.")
        : null;

    public static double Num(JsonObject o, string key, double fallback) => NumOrNull(o, key) ?? fallback;

    /// <summary>Parsed JSON holds numbers as elements, built JSON as CLR primitives: accept both.</summary>
    private static double? NumOrNull(JsonObject o, string key)
    {
        if (o[key] is not JsonValue v) return null;
        if (v.TryGetValue<double>(out var d)) return d;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<float>(out var f)) return f;
        throw new FormatException($"config key '{key}' must be a number, got {v.ToJsonString()}.");
    }

    public static bool Bool(JsonObject o, string key, bool fallback) => o[key] is JsonValue v ? v.GetValue<bool>() : fallback;

    /// <summary>Keys this config type does not model, kept so a load→save round trip loses nothing.</summary>
    public static JsonObject Extras(JsonObject o, IEnumerable<string> known)
    {
        var set = known.ToHashSet(StringComparer.Ordinal);
        var extra = new JsonObject();
        foreach (var (k, v) in o)
            if (!set.Contains(k)) extra[k] = v?.DeepClone();
        return extra;
    }

    public static void Merge(JsonObject target, JsonObject? extras)
    {
        if (extras is null) return;
        foreach (var (k, v) in extras)
            if (!target.ContainsKey(k)) target[k] = v?.DeepClone();
    }

    public static string NormalizeDType(string? dtype) => dtype switch
    {
        null or "float32" or "float" => "float32",
        "float16" or "half" => "float16",
        "bfloat16" => "bfloat16",
        _ => throw new ModelConfigException($"Unsupported torch_dtype '{dtype}': expected float32, float16 or bfloat16."),
    };
}
