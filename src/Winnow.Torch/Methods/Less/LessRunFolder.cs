using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.IO;

namespace Winnow.Torch.Methods.Less;

/// <summary>One warm-up checkpoint as the manifest records it.</summary>
/// <param name="MeanLearningRate">η̄_i: the mean scheduled rate over the epoch's optimizer steps.</param>
public sealed record LessCheckpointRecord(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("mean_learning_rate")] double MeanLearningRate,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("steps")] int Steps);

/// <summary>
/// RUN/manifest.json: inputs' content hashes, the options, the checkpoints' η̄_i and the gradient size P. The
/// fingerprint covers the inputs and options: the same inputs reuse a complete run, other inputs are refused.
/// </summary>
public sealed record LessManifest
{
    public const string SchemaName = "winnow.less-run.v1";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaName;
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("model")] public string Model { get; init; } = "";
    [JsonPropertyName("model_hash")] public string ModelHash { get; init; } = "";
    [JsonPropertyName("target")] public IReadOnlyList<string> Target { get; init; } = [];
    [JsonPropertyName("target_hash")] public string TargetHash { get; init; } = "";
    [JsonPropertyName("pool")] public IReadOnlyList<string> Pool { get; init; } = [];
    [JsonPropertyName("pool_hash")] public string PoolHash { get; init; } = "";
    [JsonPropertyName("label_map")] public string? LabelMap { get; init; }
    [JsonPropertyName("label_map_hash")] public string? LabelMapHash { get; init; }

    /// <summary>The field mapping target and pool were read with (<see cref="Core.Data.FieldMapping"/> text); absent without one.</summary>
    [JsonPropertyName("fields"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Fields { get; init; }
    [JsonPropertyName("options")] public LessOptions Options { get; init; } = new();
    [JsonPropertyName("pool_size")] public int PoolSize { get; init; }
    [JsonPropertyName("warmup_size")] public int WarmupSize { get; init; }
    [JsonPropertyName("target_rows")] public int TargetRows { get; init; }
    [JsonPropertyName("gradient_size")] public long GradientSize { get; init; }
    [JsonPropertyName("checkpoints")] public IReadOnlyList<LessCheckpointRecord> Checkpoints { get; init; } = [];
    [JsonPropertyName("complete")] public bool Complete { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public void Save(string path) => AtomicFile.WriteText(path, w => w.Write(JsonSerializer.Serialize(this, Json) + "\n"));

    public static LessManifest Load(string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<LessManifest>(File.ReadAllText(path), Json) ?? throw new InvalidDataException("empty manifest");
            if (manifest.Schema != SchemaName) throw new InvalidDataException($"schema '{manifest.Schema}', expected '{SchemaName}'");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a readable LESS manifest: {e.Message}", e);
        }
    }

    public static string OptionsJson(LessOptions options) => JsonSerializer.Serialize(options, Json);

    /// <summary>What the run store compares (<see cref="Core.Runs.RunStore"/>).</summary>
    public Core.Runs.RunHeader ToHeader() => new(LessMethod.MethodName, Fingerprint)
    {
        Complete = Complete, ModelHash = ModelHash, TargetHash = TargetHash, PoolHash = PoolHash, LabelMapHash = LabelMapHash,
        Fields = Fields, Options = OptionsJson(Options),
    };

    /// <summary>η̄_i normalised to sum to 1 (LESS weights each checkpoint's cosine by its share of the learning rate).</summary>
    public double[] CheckpointWeights()
    {
        double total = Checkpoints.Sum(c => c.MeanLearningRate);
        return total > 0
            ? Checkpoints.Select(c => c.MeanLearningRate / total).ToArray()
            : Checkpoints.Select(_ => 1.0 / Checkpoints.Count).ToArray();
    }
}

/// <summary>
/// The layout of a LESS run folder:
/// <code>
/// RUN/manifest.json                 inputs' hashes, options, η̄_i per checkpoint, P
/// RUN/warmup-set.txt                the warm-up set's keys, "source TAB id" per line
/// RUN/labels.json                   NER only: the label set the head was trained on
/// RUN/target-rows.tsv               the target feature rows in order: "source TAB id" (source = subtask)
/// RUN/checkpoints/I/adapter/        LoRA adapter (+ NER head) after warm-up epoch i
/// RUN/checkpoints/I/trainer/        optimizer.bin (Adam m, v per parameter) + trainer state after epoch i
/// RUN/checkpoints/I/target.f16      m × d fp16 little-endian: normalised projected plain gradients g_i(z)
/// RUN/checkpoints/I/pool.f16        N × d fp16: normalised projected Adam updates Γ_i(x), written by score,
///                                   one row per pool row in pool order (zeros where an example has no gradient)
/// </code>
/// </summary>
public sealed record LessRunFolder(string Root)
{
    public string Manifest => Path.Combine(Root, "manifest.json");
    public string WarmupSetFile => Path.Combine(Root, "warmup-set.txt");
    public string LabelsFile => Path.Combine(Root, "labels.json");
    public string TargetRowsFile => Path.Combine(Root, "target-rows.tsv");
    public string CheckpointsDirectory => Path.Combine(Root, "checkpoints");
    public string Checkpoint(int i) => Path.Combine(CheckpointsDirectory, i.ToString(CultureInfo.InvariantCulture));
    public string Adapter(int i) => Path.Combine(Checkpoint(i), "adapter");
    public string TrainerState(int i) => Path.Combine(Checkpoint(i), "trainer");
    public string OptimizerState(int i) => Path.Combine(TrainerState(i), Training.Trainer.OptimizerFileName);
    public string TargetFeatures(int i) => Path.Combine(Checkpoint(i), "target.f16");
    public string PoolFeatures(int i) => Path.Combine(Checkpoint(i), "pool.f16");

    /// <summary>A shard's own feature file, so shards sharing the run folder never append to one file.</summary>
    public string PoolFeatures(int i, Core.Sharding.Shard shard) =>
        shard.IsWhole ? PoolFeatures(i) : Path.Combine(Checkpoint(i), $"pool-{shard.Index:D4}-of-{shard.Count:D4}.f16");

    public bool HasManifest => File.Exists(Manifest);

    /// <summary>Removes what a run writes (never the whole folder: it may hold other things).</summary>
    public void Clear()
    {
        if (!Directory.Exists(Root)) return;
        if (Directory.Exists(CheckpointsDirectory)) Directory.Delete(CheckpointsDirectory, recursive: true);
        foreach (var file in new[] { Manifest, WarmupSetFile, LabelsFile, TargetRowsFile }) File.Delete(file);
    }

    public void WriteKeys(string path, IEnumerable<(string Source, string Id)> keys) =>
        AtomicFile.WriteText(path, w =>
        {
            foreach (var (source, id) in keys) w.Write(source + "\t" + id + "\n");
        });

    public static List<(string Source, string Id)> ReadKeys(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l =>
        {
            int tab = l.IndexOf('\t');
            return tab < 0 ? throw new InvalidDataException($"{path}: line without a tab") : (l[..tab], l[(tab + 1)..]);
        }).ToList();
}

/// <summary>
/// Feature matrices on disk as LESS stores them: fp16, row-major, no header (the shape is in the manifest), so a
/// file of n rows at dimension d is exactly n·d·2 bytes and appending a chunk is appending bytes.
/// </summary>
public static class FeatureFile
{
    public const int BytesPerValue = 2;

    /// <summary>Appends rows of <paramref name="dimension"/> values (rounded to fp16); returns the bytes written.</summary>
    public static long Append(string path, float[] values, int dimension)
    {
        if (values.Length % dimension != 0) throw new ArgumentException("The values are not whole rows.", nameof(values));
        var bytes = new byte[values.Length * BytesPerValue];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * BytesPerValue), (Half)values[i]);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        return bytes.Length;
    }

    /// <summary>Rows [first, first + count) as float32, row-major.</summary>
    public static float[] Read(string path, int dimension, long first, int count)
    {
        var bytes = new byte[(long)count * dimension * BytesPerValue];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        stream.Seek(first * dimension * BytesPerValue, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        var values = new float[(long)count * dimension];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)System.Buffers.Binary.BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(i * BytesPerValue));
        return values;
    }

    public static long Rows(string path, int dimension) => new FileInfo(path).Length / ((long)dimension * BytesPerValue);

    /// <summary>What a value reads back as after a round trip through the file.</summary>
    public static float Round(float value) => (float)(Half)value;
}
