using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.Data;

namespace Winnow.Core.Runs;

/// <summary>
/// RUN/manifest.json of every method (docs/design.md, "Run folders"): one header the run store reads whichever method
/// wrote it (the method, the fingerprint, what the run was made from, whether the fit finished) plus the method's own
/// resolved options and state, which only the method interprets. Options and state stay JSON here so Core needs no
/// method's types; a method turns them into its records with <see cref="OptionsAs{T}"/> and <see cref="StateAs{T}"/>
/// and hands them back with <see cref="Element{T}"/>. Read and written only by <see cref="RunFolder"/>.
/// </summary>
public sealed record RunManifest
{
    /// <summary>The schema written today. Manifests of the v1 schemas are migrated on read (<see cref="RunManifestMigration"/>).</summary>
    public const string SchemaName = "winnow.run.v2";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaName;

    /// <summary>The registered method's name (tov, less, tsds, random, uncertainty, dsir).</summary>
    [JsonPropertyName("method")] public string Method { get; init; } = "";

    /// <summary>The input fingerprint (<see cref="RunFingerprint"/>): the same one is the same run.</summary>
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";

    [JsonPropertyName("task")] public TaskKind Kind { get; init; }
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("model_hash")] public string? ModelHash { get; init; }
    [JsonPropertyName("target")] public IReadOnlyList<string> Target { get; init; } = [];
    [JsonPropertyName("target_hash")] public string? TargetHash { get; init; }
    [JsonPropertyName("pool")] public IReadOnlyList<string> Pool { get; init; } = [];
    [JsonPropertyName("pool_hash")] public string PoolHash { get; init; } = "";
    [JsonPropertyName("label_map")] public string? LabelMap { get; init; }
    [JsonPropertyName("label_map_hash")] public string? LabelMapHash { get; init; }

    /// <summary>The field mapping target and pool were read with (<see cref="FieldMapping"/> text); absent without one.</summary>
    [JsonPropertyName("fields"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Fields { get; init; }

    /// <summary>The seed, where the method keeps it outside its options (ToV, LESS and TSDS keep it inside).</summary>
    [JsonPropertyName("seed"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Seed { get; init; }

    /// <summary>Every option after defaults were resolved, in the method's own JSON form.</summary>
    [JsonPropertyName("options")] public JsonElement? Options { get; init; }

    /// <summary>What the fit recorded beyond the header (ToV's epochs, LESS's checkpoints, TSDS's embedder); absent when nothing.</summary>
    [JsonPropertyName("state"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsonElement? State { get; init; }

    [JsonPropertyName("created"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? Created { get; init; }

    /// <summary>Wall time of the fit, where the run folder timed it (<see cref="RunFolder.FitOnce"/>).</summary>
    [JsonPropertyName("seconds"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Seconds { get; init; }

    [JsonPropertyName("bytes_written"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? BytesWritten { get; init; }

    /// <summary>Written last, so a fit that stopped half-way is continued or redone rather than reused.</summary>
    [JsonPropertyName("complete")] public bool Complete { get; init; }

    /// <summary>A method's record as the JSON it is kept as in <see cref="Options"/> or <see cref="State"/>.</summary>
    public static JsonElement Element<T>(T value, JsonSerializerOptions json) => JsonSerializer.SerializeToElement(value, json);

    /// <summary>The options as the method's record (<paramref name="json"/>: the method's own format).</summary>
    public T OptionsAs<T>(JsonSerializerOptions json) where T : class => As<T>(Options, "options", json);

    /// <summary>The state as the method's record; a run that recorded none has none to give.</summary>
    public T StateAs<T>(JsonSerializerOptions json) where T : class => As<T>(State, "state", json);

    private T As<T>(JsonElement? element, string what, JsonSerializerOptions json) where T : class
    {
        if (element is not { ValueKind: JsonValueKind.Object } value)
            throw new InvalidDataException($"The {Method} run's manifest has no {what}; {RunFolder.Redo}.");
        try
        {
            return value.Deserialize<T>(json) ?? throw new InvalidDataException($"The {Method} run's manifest has empty {what}; {RunFolder.Redo}.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The {Method} run's {what} cannot be read: {e.Message}; {RunFolder.Redo}.", e);
        }
    }

    /// <summary>"differs in …" naming each part that differs from <paramref name="other"/> ("schema" when only the recipe does).</summary>
    public string Differences(RunManifest other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var parts = new List<string>();
        if (Method != other.Method) parts.Add("method");
        if (Kind != other.Kind) parts.Add("task");
        if (ModelHash != other.ModelHash) parts.Add("model");
        if (TargetHash != other.TargetHash) parts.Add("target");
        if (PoolHash != other.PoolHash) parts.Add("pool");
        if (LabelMapHash != other.LabelMapHash) parts.Add("label map");
        if (Fields != other.Fields) parts.Add("field mapping");
        if (Canonical(Options) != Canonical(other.Options)) parts.Add("options");
        if (Seed != other.Seed) parts.Add("seed");
        return parts.Count == 0 ? "schema" : "differs in " + string.Join(", ", parts);
    }

    // Re-written compactly, so options read from an indented file compare equal to the same options just serialized.
    private static string Canonical(JsonElement? element) => element is { } e ? JsonSerializer.Serialize(e) : "";
}
