using System.Globalization;
using Winnow.Core.Data;
using Winnow.Torch.Tasks;

namespace Winnow.Torch.Methods.Common;

/// <summary>
/// The NER label set a method fits with, from the target, checked before any training: a target whose tags are all O
/// (its types absent, or all sent to O by the label map) leaves nothing to select for and is refused; pool entity types
/// the target lacks are read as O, which is said with the counts.
/// </summary>
public static class TargetLabels
{
    public static LabelSet From(IEnumerable<Example> target, IEnumerable<Example> pool, string? labelMap, IProgress<string>? progress)
    {
        var sentences = target.OfType<NerExample>().ToList();
        var labels = LabelSet.FromExamples(sentences);
        if (labels.Count == 1)
            throw new ArgumentException(
                $"Every tag of the target's {sentences.Count} sentences is O{(labelMap is null ? "" : $" after the label map {labelMap}")}: " +
                "there is no entity type to select for" + (labelMap is null ? "." : "; does the map send the target's types to O, or name its source's section wrongly?"));
        if (Absent(labels, pool) is { Count: > 0 } absent)
            progress?.Report("warning: pool entity types the target lacks are read as O: "
                + string.Join(", ", absent.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:N0} tags")))
                + (labelMap is null ? " (map them onto the target's types with --label-map)" : $" (not mapped by {labelMap})"));
        return labels;
    }

    /// <summary>Tags per entity type of <paramref name="pool"/> whose tags <paramref name="labels"/> does not hold.</summary>
    public static Dictionary<string, long> Absent(LabelSet labels, IEnumerable<Example> pool)
    {
        var absent = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sentence in pool.OfType<NerExample>())
            foreach (var tag in sentence.Tags)
                if (!labels.TryGetId(tag, out _))
                {
                    var type = Core.Data.Ner.BioTags.TypeOf(tag) ?? tag;
                    absent[type] = absent.GetValueOrDefault(type) + 1;
                }
        return absent;
    }
}
