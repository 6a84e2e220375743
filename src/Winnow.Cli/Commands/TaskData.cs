using System.CommandLine;
using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;

namespace Winnow.Cli.Commands;

/// <summary>Reading a command's data for a model: task kind from the model, label map, field mapping, skip-invalid, and reports.</summary>
internal static class TaskData
{
    public static Option<string?> LabelMapOption() => new("--label-map") { Description = "NER label-map file ('source_type = TARGET' lines, [source] sections); unmapped types become O." };

    /// <summary>
    /// <c>--fields prompt=COL,completion=COL</c> (or <c>tokens=COL,tags=COL</c>, optionally <c>id=COL</c>): the columns of
    /// data in a schema the readers do not recognise. A bad mapping is a parse error naming the problem.
    /// </summary>
    public static Option<FieldMapping?> FieldsOption() => new("--fields")
    {
        Description = "Columns of JSON/JSONL/Parquet/CSV data in another schema: prompt=COL,completion=COL (NER: tokens=COL,tags=COL, and tag_names=O|B-PER|… when the tags are integer ids), optionally id=COL. Every row must have them.",
        CustomParser = result =>
        {
            try
            {
                return FieldMapping.Parse(result.Tokens.Count == 1 ? result.Tokens[0].Value : "");
            }
            catch (FormatException e)
            {
                result.AddError("--fields: " + e.Message);
                return null;
            }
        },
    };

    public static Option<bool> SkipInvalidOption() => new("--skip-invalid") { Description = "Skip bad examples (reported with reasons) instead of stopping at the first." };

    /// <summary>The task a model folder serves: a causal LM is for instruction data, an encoder for NER.</summary>
    public static TaskKind KindOf(string modelDirectory)
    {
        var config = ModelConfigs.Read(Path.Combine(modelDirectory, ModelCheckpoint.ConfigFile));
        return config is LlamaConfig ? TaskKind.Instruction : TaskKind.Ner;
    }

    /// <summary>
    /// The task of data when no model says it (DSIR, random): the kind of the first example read, NER for CoNLL or
    /// <c>{tokens, tags}</c> rows, instruction otherwise. Data that cannot be read is left for the method to report.
    /// </summary>
    public static TaskKind KindOfData(IReadOnlyList<string> paths, FieldMapping? fields)
    {
        try
        {
            return DatasetReader.Read(paths, new ReadOptions { Fields = fields }).FirstOrDefault()?.Kind ?? TaskKind.Instruction;
        }
        catch (DataFormatException)
        {
            return TaskKind.Instruction;
        }
    }

    public static List<Example> Read(IEnumerable<string> paths, TaskKind kind, string? labelMap, bool skipInvalid, string what, FieldMapping? fields = null)
    {
        var report = new ReadReport();
        var options = new ReadOptions { Kind = kind, LabelMap = labelMap is null ? null : LabelMap.Load(labelMap), SkipInvalid = skipInvalid, Fields = fields };
        var examples = DatasetReader.Read(paths, options, report).ToList();
        if (report.Skipped > 0)
            Console.Error.WriteLine($"  {what}: skipped {report.Skipped} invalid items ({string.Join(", ", report.SkippedByReason.Select(kv => $"{kv.Key}: {kv.Value}"))}); first: {report.FirstErrors.FirstOrDefault()?.Message}");
        if (examples.Count == 0) throw new ArgumentException($"No {what} examples were read from {string.Join(", ", paths)}.");
        return examples;
    }

    public static LabelSet LabelsOf(IEnumerable<Example> examples) => LabelSet.FromExamples(examples.OfType<NerExample>());

    public static EncodedSet Encode(TaskModel model, IEnumerable<Example> examples, string what)
    {
        var set = model.EncodeAll(examples);
        if (set.Skipped.Count > 0)
            Console.Error.WriteLine($"  {what}: {set.Skipped.Count} examples could not be encoded (first: {set.Skipped[0].Id}: {set.Skipped[0].Reason})");
        if (set.TagsMappedToOutside > 0)
            Console.Error.WriteLine($"  {what}: {set.TagsMappedToOutside} tags of types the model's label set lacks were read as O (use --label-map to map them)");
        return set;
    }
}
