using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>
/// Reads and writes Hugging Face model directories: <c>config.json</c> plus <c>model.safetensors</c>, or
/// shards listed in <c>model.safetensors.index.json</c>.
/// </summary>
public static partial class ModelCheckpoint
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    private static readonly Dictionary<string, string> PtMetadata = new() { ["format"] = "pt" };

    /// <summary>True when <paramref name="dir"/> holds a config and weights.</summary>
    public static bool Exists(string dir) =>
        File.Exists(Path.Combine(dir, ConfigFile)) && (File.Exists(Path.Combine(dir, WeightsFile)) || File.Exists(Path.Combine(dir, IndexFile)));

    public static IPretrainedModel Load(string dir, CheckpointLoadOptions? options = null) => Load(dir, out _, options);

    /// <summary>Reads config.json, builds the family it names, loads the weights. Bad files throw <see cref="CheckpointException"/>.</summary>
    public static IPretrainedModel Load(string dir, out CheckpointLoadReport report, CheckpointLoadOptions? options = null)
    {
        options ??= new CheckpointLoadOptions();
        var configPath = Path.Combine(dir, ConfigFile);
        if (!File.Exists(configPath)) throw new CheckpointException(configPath, null, "not found: not a model directory.");
        var config = ModelConfigs.Read(configPath);
        bool headReplaced = false;
        if (config is BertConfig bert)
        {
            var head = options.Head ?? bert.Head;
            headReplaced = bert.BodyOnly || head != bert.Head || (options.Labels is not null && head == ModelFamily.TokenClassifier && !options.Labels.SequenceEqual(bert.Labels));
            config = bert with { Head = head, Labels = options.Labels ?? bert.Labels, BodyOnly = false };
        }
        else if (options.Head is { } h && h != config.Family)
        {
            throw new CheckpointException(configPath, null, $"a {config.Architecture} checkpoint cannot be loaded as {h}.");
        }
        IPretrainedModel model;
        try
        {
            model = ModelFactory.Create(config, options.Seed, options.DType);
        }
        catch (ModelConfigException e)
        {
            throw new CheckpointException(configPath, null, e.Message, e);
        }
        try
        {
            report = LoadWeights(model, dir, allowMissingHead: headReplaced);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>
    /// Copies the directory's tensors into <paramref name="model"/>'s parameters (converting dtype, checking
    /// shapes). Missing tensors are errors except head tensors when <paramref name="allowMissingHead"/>.
    /// </summary>
    public static CheckpointLoadReport LoadWeights(IPretrainedModel model, string dir, bool allowMissingHead = false)
    {
        var readers = OpenWeights(dir);
        try
        {
            return CopyInto(model, readers, allowMissingHead);
        }
        finally
        {
            foreach (var r in readers.Values.Distinct()) r.Dispose();
        }
    }

    /// <summary>
    /// Writes config.json and the weights into <paramref name="dir"/>, each file via a temporary name and a
    /// rename, config last so a half-written directory is never mistaken for a model. LoRA adapter tensors are
    /// not part of the base checkpoint: merge them first (<see cref="Lora.Merge"/>) to export a fine-tuned model.
    /// </summary>
    public static void Save(IPretrainedModel model, string dir, CheckpointSaveOptions? options = null)
    {
        options ??= new CheckpointSaveOptions();
        options.Validate();
        Directory.CreateDirectory(dir);
        var dtype = options.DType ?? model.DType();
        using var scope = NewDisposeScope();
        var tensors = CheckpointTensors(model, dtype);
        long total = tensors.Sum(t => t.Value.numel() * t.Value.ElementSize);
        var written = total > options.MaxShardBytes
            ? WriteShards(dir, tensors, options.MaxShardBytes, total)
            : WriteSingle(dir, tensors);
        RemoveStaleWeights(dir, written);
        var config = WithDType(model.Config, dtype);
        WriteAtomically(Path.Combine(dir, ConfigFile), path => ModelConfigs.Write(config, path));
    }

    /// <summary>Saves an arbitrary named tensor set (adapters, optimizer state) as one safetensors file.</summary>
    public static void SaveTensors(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Save(path, tensors, metadata);

    /// <summary>Loads every tensor of a safetensors file; the caller owns (and disposes) them.</summary>
    public static Dictionary<string, Tensor> LoadTensors(string path, ScalarType? dtype = null) => SafeTensors.Load(path, dtype);

    internal static string CheckpointKey(IPretrainedModel model, string key) =>
        model.Config is BertConfig bert ? BertKeys.ToCheckpoint(bert, key) : key;

    internal static string ModelKey(IPretrainedModel model, string key) =>
        model.Config is BertConfig bert ? BertKeys.FromCheckpoint(bert, key) : key;

    internal static bool IsAdapterKey(string key) => key.Contains(".lora_A.", StringComparison.Ordinal) || key.Contains(".lora_B.", StringComparison.Ordinal);

    private static List<KeyValuePair<string, Tensor>> CheckpointTensors(IPretrainedModel model, ScalarType dtype) =>
        model.Module.state_dict()
            .Where(kv => !IsAdapterKey(kv.Key))
            .Select(kv => new KeyValuePair<string, Tensor>(CheckpointKey(model, kv.Key), kv.Value.dtype == dtype ? kv.Value.detach() : kv.Value.detach().to_type(dtype)))
            .ToList();

    private static IModelConfig WithDType(IModelConfig config, ScalarType dtype)
    {
        var name = dtype switch { ScalarType.Float16 => "float16", ScalarType.BFloat16 => "bfloat16", _ => "float32" };
        return config switch
        {
            LlamaConfig l => l with { TorchDType = name },
            BertConfig b => b with { TorchDType = name },
            _ => config,
        };
    }

    private static List<string> WriteSingle(string dir, List<KeyValuePair<string, Tensor>> tensors)
    {
        SafeTensors.Save(Path.Combine(dir, WeightsFile), tensors, PtMetadata);
        return [WeightsFile];
    }

    private static List<string> WriteShards(string dir, List<KeyValuePair<string, Tensor>> tensors, long maxShardBytes, long total)
    {
        var shards = new List<List<KeyValuePair<string, Tensor>>> { new() };
        long current = 0;
        foreach (var kv in tensors)
        {
            long bytes = kv.Value.numel() * kv.Value.ElementSize;
            if (current > 0 && current + bytes > maxShardBytes)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(kv);
            current += bytes;
        }
        var names = new List<string>();
        var weightMap = new JsonObject();
        for (int i = 0; i < shards.Count; i++)
        {
            var name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafeTensors.Save(Path.Combine(dir, name), shards[i], PtMetadata);
            foreach (var kv in shards[i]) weightMap[kv.Key] = name;
            names.Add(name);
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = weightMap };
        WriteAtomically(Path.Combine(dir, IndexFile), path => File.WriteAllText(path, index.ToJsonString(ModelConfigs.WriteOptions) + "\n"));
        names.Add(IndexFile);
        return names;
    }

    [GeneratedRegex(@"^model(-\d+-of-\d+)?\.safetensors(\.index\.json)?$")]
    private static partial Regex WeightFileName();

    /// <summary>Drops weight files of an earlier save with a different sharding, so the directory has one answer.</summary>
    private static void RemoveStaleWeights(string dir, List<string> written)
    {
        foreach (var path in Directory.EnumerateFiles(dir))
        {
            var name = Path.GetFileName(path);
            if (WeightFileName().IsMatch(name) && !written.Contains(name)) File.Delete(path);
        }
    }

    internal static void WriteAtomically(string path, Action<string> write)
    {
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            write(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Opens the single file or every shard; maps each tensor name to the reader that holds it.</summary>
    private static Dictionary<string, SafeTensorsReader> OpenWeights(string dir)
    {
        var single = Path.Combine(dir, WeightsFile);
        if (File.Exists(single))
        {
            var reader = SafeTensorsReader.Open(single);
            return reader.Entries.ToDictionary(e => e.Name, _ => reader, StringComparer.Ordinal);
        }
        var indexPath = Path.Combine(dir, IndexFile);
        if (!File.Exists(indexPath)) throw new CheckpointException(single, null, $"not found, and no {IndexFile} either.");
        var shardOf = ReadIndex(indexPath);
        var open = new Dictionary<string, SafeTensorsReader>(StringComparer.Ordinal);
        var result = new Dictionary<string, SafeTensorsReader>(StringComparer.Ordinal);
        try
        {
            foreach (var (tensor, file) in shardOf)
            {
                if (!open.TryGetValue(file, out var reader))
                {
                    var shardPath = Path.Combine(dir, file);
                    if (!File.Exists(shardPath)) throw new CheckpointException(shardPath, tensor, $"shard listed in {IndexFile} is missing.");
                    reader = SafeTensorsReader.Open(shardPath);
                    open[file] = reader;
                }
                if (!reader.Contains(tensor)) throw new CheckpointException(reader.Path, tensor, $"listed in {IndexFile} but not in the shard.");
                result[tensor] = reader;
            }
        }
        catch
        {
            foreach (var r in open.Values) r.Dispose();
            throw;
        }
        return result;
    }

    private static Dictionary<string, string> ReadIndex(string indexPath)
    {
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(indexPath)) as JsonObject ?? throw new JsonException("not an object");
            var map = json["weight_map"] as JsonObject ?? throw new JsonException("no weight_map");
            return map.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? throw new JsonException($"no file for {kv.Key}"), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException(indexPath, null, $"not a valid index: {e.Message}", e);
        }
    }

    private static CheckpointLoadReport CopyInto(IPretrainedModel model, Dictionary<string, SafeTensorsReader> readers, bool allowMissingHead)
    {
        var fresh = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var anyFile = readers.Values.FirstOrDefault()?.Path ?? "(no weights)";
        using (no_grad())
        {
            foreach (var (name, target) in model.Module.state_dict())
            {
                if (IsAdapterKey(name)) continue;
                var key = CheckpointKey(model, name);
                if (!readers.ContainsKey(key) && LegacyLayerNormKey(key) is { } legacy && readers.ContainsKey(legacy)) key = legacy;
                if (!readers.ContainsKey(key) && BareBodyKey(model, key) is { } bare && readers.ContainsKey(bare)) key = bare;
                if (!readers.TryGetValue(key, out var reader))
                {
                    if (allowMissingHead && model.HeadPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                    {
                        fresh.Add(name);
                        continue;
                    }
                    throw new CheckpointException(anyFile, key, "missing from the checkpoint.");
                }
                used.Add(key);
                CopyTensor(reader, key, target);
            }
        }
        var ignored = readers.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal).ToList();
        return new CheckpointLoadReport(fresh, ignored);
    }

    /// <summary>
    /// A bare encoder checkpoint (Hugging Face BertModel/RobertaModel) names the body's tensors without the
    /// <c>bert.</c>/<c>roberta.</c> prefix that a model with a head uses; Hugging Face loads either into either.
    /// </summary>
    private static string? BareBodyKey(IPretrainedModel model, string key) =>
        model.Config is BertConfig bert && key.StartsWith(bert.BodyPrefix + ".", StringComparison.Ordinal) ? key[(bert.BodyPrefix.Length + 1)..] : null;

    /// <summary>Checkpoints converted from TensorFlow BERT name LayerNorm parameters gamma/beta; Hugging Face accepts both.</summary>
    private static string? LegacyLayerNormKey(string key) =>
        key.EndsWith("LayerNorm.weight", StringComparison.Ordinal) ? key[..^"weight".Length] + "gamma"
        : key.EndsWith("LayerNorm.bias", StringComparison.Ordinal) ? key[..^"bias".Length] + "beta"
        : null;

    private static void CopyTensor(SafeTensorsReader reader, string key, Tensor target)
    {
        var entry = reader.Entry(key);
        if (!entry.Shape.SequenceEqual(target.shape))
            throw new CheckpointException(reader.Path, key, $"shape [{string.Join(",", entry.Shape)}] does not match the model's [{string.Join(",", target.shape)}].");
        using var scope = NewDisposeScope();
        target.copy_(reader.Read(key, target.dtype));
    }
}
