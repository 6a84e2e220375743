using System.Text.Json.Nodes;

namespace Winnow.Core.Runs;

/// <summary>
/// Reads the four manifest schemas written before <see cref="RunManifest"/> (docs/design.md, "Run folders") as a
/// <see cref="RunManifest"/>, so run folders made by earlier versions keep loading. The file on disk is left as it is:
/// it is rewritten in the new schema only when the run is redone. The v1 schemas agree on the header fields' names;
/// they differ only in where they keep the method (ToV, LESS and TSDS name it by their schema), the task (ToV and LESS
/// inside their options) and the options (the shared schema calls them settings). Every other field is the method's
/// state, under the name the method's state record still uses.
/// </summary>
internal static class RunManifestMigration
{
    public const string Tov = "winnow.tov-run.v1";
    public const string Less = "winnow.less-run.v1";
    public const string Tsds = "winnow.tsds-run.v1";
    public const string Shared = "winnow.method-run.v1";

    // Fields the v1 schemas keep in the header, under the v2 name; "kind", "options" and "settings" are placed apart.
    private static readonly string[] Header =
    [
        "fingerprint", "model", "model_hash", "target", "target_hash", "pool", "pool_hash", "label_map", "label_map_hash", "fields",
        "seed", "created", "seconds", "bytes_written", "complete",
    ];

    public static bool Knows(string? schema) => schema is Tov or Less or Tsds or Shared;

    /// <summary>The v2 form of a v1 manifest (<paramref name="schema"/> is one that <see cref="Knows"/>).</summary>
    public static JsonObject ToV2(JsonObject v1, string schema)
    {
        string? method = schema switch
        {
            Tov => "tov",
            Less => "less",
            Tsds => "tsds",
            _ => v1["method"]?.GetValue<string>(),
        };
        if (string.IsNullOrEmpty(method)) throw new InvalidDataException("it names no method");
        var options = v1["options"] ?? v1["settings"];
        var task = v1["kind"] ?? options?["kind"] ?? throw new InvalidDataException("it names no task");

        var v2 = new JsonObject { ["schema"] = RunManifest.SchemaName, ["method"] = method, ["task"] = task.DeepClone() };
        foreach (var name in Header)
            if (v1.TryGetPropertyValue(name, out var value)) v2[name] = value?.DeepClone();
        v2["options"] = options?.DeepClone();
        var state = new JsonObject();
        foreach (var (name, value) in v1)
            if (name is not ("schema" or "method" or "kind" or "options" or "settings") && !Header.Contains(name))
                state[name] = value?.DeepClone();
        if (state.Count > 0) v2["state"] = state;
        return v2;
    }
}
