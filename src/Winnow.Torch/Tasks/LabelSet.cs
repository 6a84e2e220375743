using System.Text.Json.Nodes;

namespace Winnow.Torch.Tasks;

/// <summary>
/// The NER label vocabulary: tag ↔ id, "O" always 0. Built from data it is ordered by entity type (ordinal), B- before I-,
/// and every type gets both its B- and I- tag, so two splits of the same data set give the same ids.
/// Saved as Hugging Face's config fields {"id2label": {"0": "O", ...}, "label2id": {...}}.
/// </summary>
public sealed class LabelSet
{
    public const string Outside = "O";
    private readonly string[] _labels;
    private readonly Dictionary<string, int> _ids;

    /// <summary>Labels in the given order (the first must be "O").</summary>
    public LabelSet(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _labels = labels.ToArray();
        if (_labels.Length == 0 || _labels[0] != Outside)
            throw new ArgumentException($"A label set starts with \"{Outside}\".", nameof(labels));
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _labels.Length; i++)
            if (!_ids.TryAdd(_labels[i], i)) throw new ArgumentException($"Label '{_labels[i]}' appears twice.", nameof(labels));
    }

    public IReadOnlyList<string> Labels => _labels;
    public int Count => _labels.Length;
    public string this[int id] => _labels[id];

    public int IdOf(string tag) => _ids.TryGetValue(tag, out int id)
        ? id
        : throw new KeyNotFoundException($"Tag '{tag}' is not in the label set ({string.Join(", ", _labels)}).");

    public bool TryGetId(string tag, out int id) => _ids.TryGetValue(tag, out id);

    /// <summary>
    /// For each label id, its class: 0 for O, then one class per entity type in order of first appearance, with a
    /// type's B- and I- tags in the same class (what ToV's label-balanced aggregation averages within).
    /// </summary>
    public int[] EntityClasses()
    {
        var types = new Dictionary<string, int>(StringComparer.Ordinal) { [Outside] = 0 };
        var classes = new int[_labels.Length];
        for (int id = 0; id < _labels.Length; id++)
        {
            var label = _labels[id];
            var type = label.Length > 2 && label[1] == '-' && label[0] is 'B' or 'I' or 'E' or 'S' ? label[2..] : label;
            if (!types.TryGetValue(type, out int c)) types[type] = c = types.Count;
            classes[id] = c;
        }
        return classes;
    }

    /// <summary>The label set of all tags occurring in <paramref name="tags"/> (BIO, IOB2 or plain IO tags).</summary>
    public static LabelSet FromTags(IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var types = new SortedSet<string>(StringComparer.Ordinal);
        var plain = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            if (tag == Outside) continue;
            if (tag.Length > 2 && (tag.StartsWith("B-", StringComparison.Ordinal) || tag.StartsWith("I-", StringComparison.Ordinal)))
                types.Add(tag[2..]);
            else plain.Add(tag);
        }
        var labels = new List<string> { Outside };
        foreach (var type in types) labels.AddRange([$"B-{type}", $"I-{type}"]);
        labels.AddRange(plain.Where(p => !labels.Contains(p)));
        return new LabelSet(labels);
    }

    public static LabelSet FromExamples(IEnumerable<Winnow.Core.Data.NerExample> examples) =>
        FromTags(examples.SelectMany(e => e.Tags));

    public void Save(string path)
    {
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (int i = 0; i < _labels.Length; i++)
        {
            id2label[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = _labels[i];
            label2id[_labels[i]] = i;
        }
        var json = new JsonObject { ["id2label"] = id2label, ["label2id"] = label2id };
        File.WriteAllText(path, json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads {"id2label": {...}} (also inside a model's config.json), a bare {"0": "O", ...} object, or a JSON array.</summary>
    public static LabelSet Load(string path)
    {
        var node = JsonNode.Parse(File.ReadAllText(path));
        if (node is JsonArray array) return new LabelSet(array.Select(n => n!.GetValue<string>()));
        var map = (node?["id2label"] as JsonObject) ?? node as JsonObject
                  ?? throw new FormatException($"'{path}' holds no id2label object.");
        var byId = map.Select(kv => (Id: int.Parse(kv.Key, System.Globalization.CultureInfo.InvariantCulture), Label: kv.Value!.GetValue<string>()))
                      .OrderBy(p => p.Id).ToList();
        for (int i = 0; i < byId.Count; i++)
            if (byId[i].Id != i) throw new FormatException($"'{path}': label ids must be 0..{byId.Count - 1} without gaps.");
        return new LabelSet(byId.Select(p => p.Label));
    }
}
