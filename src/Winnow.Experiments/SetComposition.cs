using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.Data;

namespace Winnow.Experiments;

/// <summary>
/// What one set of rows of a study is made of: a selected subset (<c>subsets/&lt;cell&gt;.composition.json</c>) or the
/// study's test, target, validation and pool sets (<c>data/composition.json</c>). Computed from the row files, so a
/// committed results folder keeps it without the rows. NER: words per row, the share of entity tokens (non-O tags among
/// all tags), the share of rows with no entity and the share of each entity type among entity tokens; instruction: the
/// whitespace words of prompt and completion. Counts are kept beside the shares so means can be recomputed either way.
/// </summary>
public sealed record SetComposition(string Set, string Task, int Rows, IReadOnlyDictionary<string, int> BySource)
{
    /// <summary>The config's pool source name of an example read from a study's materialized pool (<c>pool/NAME.jsonl</c>).</summary>
    public static string PoolSourceName(string source) => Path.GetFileNameWithoutExtension(source);

    /// <summary>NER: all tokens (words) of the set.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Tokens { get; init; }

    /// <summary>NER: tokens whose tag is not O.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? EntityTokens { get; init; }

    /// <summary>NER: rows whose tags are all O.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RowsWithoutEntity { get; init; }

    /// <summary>NER: entity tokens per entity type (the tag without its B-/I- prefix).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, long>? EntityTokensByType { get; init; }

    /// <summary>NER: mean tokens per row.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MeanTokens { get; init; }

    /// <summary>NER: <see cref="EntityTokens"/> / <see cref="Tokens"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? EntityTokenShare { get; init; }

    /// <summary>NER: <see cref="RowsWithoutEntity"/> / <see cref="Rows"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? NoEntityRowShare { get; init; }

    /// <summary>NER: each type's share of the entity tokens.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? EntityTypeShares { get; init; }

    /// <summary>Instruction: mean whitespace-separated words of the prompt.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MeanPromptWords { get; init; }

    /// <summary>Instruction: mean whitespace-separated words of the completion.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MeanCompletionWords { get; init; }

    /// <summary>A subset selected from scores: rows taken by score rank (from the subset's <c>.summary.json</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FromScores { get; init; }

    /// <summary>A subset selected from scores: rows drawn at random (the Random half of Score+Random).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FromRandom { get; init; }

    /// <summary>A subset selected from scores: rows that filled Score+Random's share from the target's nearest pool rows (share_fill).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FromNeighbours { get; init; }

    /// <summary>File of a subset's composition: <c>subsets/&lt;cell&gt;.composition.json</c>.</summary>
    public static string SubsetFile(string resultsDirectory, string cellKey) => Path.Combine(resultsDirectory, "subsets", cellKey + ".composition.json");

    /// <summary>File of the study's test, target, validation and pool compositions.</summary>
    public static string DataFile(string resultsDirectory) => Path.Combine(resultsDirectory, "data", "composition.json");

    /// <summary>The share of <see cref="Rows"/> from the given sources (keys of <see cref="BySource"/>).</summary>
    public double ShareFrom(IEnumerable<string> sources) =>
        Rows == 0 ? double.NaN : sources.Sum(s => BySource.GetValueOrDefault(s)) / (double)Rows;

    /// <summary>
    /// The composition of <paramref name="rows"/>; <paramref name="sourceName"/> names each row's source in
    /// <see cref="BySource"/> (default: the row's <see cref="Example.Source"/> as it is).
    /// </summary>
    public static SetComposition Of(string set, TaskKind kind, IEnumerable<Example> rows, Func<string, string>? sourceName = null)
    {
        sourceName ??= s => s;
        int count = 0;
        var bySource = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long tokens = 0, entityTokens = 0, promptWords = 0, completionWords = 0;
        int withoutEntity = 0;
        var byType = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            count++;
            var source = sourceName(row.Source);
            bySource[source] = bySource.GetValueOrDefault(source) + 1;
            switch (row)
            {
                case NerExample ner when kind == TaskKind.Ner:
                    tokens += ner.Tokens.Count;
                    int entities = 0;
                    foreach (var tag in ner.Tags)
                    {
                        if (tag == "O") continue;
                        entities++;
                        var type = EntityType(tag);
                        byType[type] = byType.GetValueOrDefault(type) + 1;
                    }
                    entityTokens += entities;
                    if (entities == 0) withoutEntity++;
                    break;
                case InstructionExample instruction when kind == TaskKind.Instruction:
                    promptWords += Words(instruction.Prompt);
                    completionWords += Words(instruction.Completion);
                    break;
                default:
                    throw new InvalidDataException($"{set}: a {row.Kind} row in a {kind} set.");
            }
        }
        var composition = new SetComposition(set, kind == TaskKind.Ner ? "ner" : "instruction", count, bySource.ToDictionary(StringComparer.Ordinal));
        double Ratio(double a, double b) => b == 0 ? double.NaN : a / b;
        return kind == TaskKind.Ner
            ? composition with
            {
                Tokens = tokens, EntityTokens = entityTokens, RowsWithoutEntity = withoutEntity,
                EntityTokensByType = byType.ToDictionary(StringComparer.Ordinal),
                MeanTokens = Ratio(tokens, count), EntityTokenShare = Ratio(entityTokens, tokens), NoEntityRowShare = Ratio(withoutEntity, count),
                EntityTypeShares = byType.ToDictionary(kv => kv.Key, kv => Ratio(kv.Value, entityTokens), StringComparer.Ordinal),
            }
            : composition with { MeanPromptWords = Ratio(promptWords, count), MeanCompletionWords = Ratio(completionWords, count) };
    }

    /// <summary>A BIO tag's entity type: <c>B-PER</c> and <c>I-PER</c> → <c>PER</c>; a bare type stays as it is.</summary>
    public static string EntityType(string tag) =>
        tag.Length > 2 && tag[1] == '-' && tag[0] is 'B' or 'I' or 'E' or 'S' or 'L' or 'U' ? tag[2..] : tag;

    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>
    /// A selected subset's composition, read from its row file (<c>subsets/&lt;cell&gt;.jsonl</c>), with the score/random
    /// split from its <c>.summary.json</c> when there is one. Sources are the pool sources' names.
    /// </summary>
    public static SetComposition OfSubset(string subsetPath, string cellKey, TaskKind kind)
    {
        // A subset row keeps the source it was read under from the pool (pool/NAME): its pool source's name.
        var composition = Of(cellKey, kind, ReadWithStoredSources(subsetPath, kind), PoolSourceName);
        var summary = Path.ChangeExtension(subsetPath, ".summary.json");
        if (!File.Exists(summary)) return composition;
        using var json = JsonDocument.Parse(File.ReadAllText(summary));
        int? Count(string name) => json.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        return composition with { FromScores = Count("from_scores"), FromRandom = Count("from_random"), FromNeighbours = Count("from_neighbours") };
    }

    /// <summary>
    /// The rows of a JSONL file Winnow wrote (<c>ExampleJsonl</c>), each with the <c>source</c> stored in its line — the
    /// reader tags rows with the file they are read from instead. A line without one keeps the reader's tag.
    /// </summary>
    public static IEnumerable<Example> ReadWithStoredSources(string path, TaskKind kind)
    {
        var rows = DatasetReader.Read([path], new ReadOptions { Kind = kind }).ToList();
        var sources = new List<string?>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var json = JsonDocument.Parse(line);
            sources.Add(json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("source", out var source)
                && source.ValueKind == JsonValueKind.String ? source.GetString() : null);
        }
        if (sources.Count != rows.Count) throw new InvalidDataException($"{path}: {rows.Count} rows read but {sources.Count} lines.");
        return rows.Zip(sources, (row, source) => source is null ? row : row with { Source = source });
    }

    /// <summary>The study's own sets as materialized under <c>data/</c>: test, target, validation (when there is one) and pool.</summary>
    public static List<SetComposition> OfData(string resultsDirectory, TaskKind kind)
    {
        var sets = new List<SetComposition>();
        foreach (var set in new[] { "test", "target", "validation", "pool" })
        {
            var folder = Path.Combine(resultsDirectory, "data", set);
            if (!Directory.Exists(folder)) continue;
            // Pool rows by the pool source (data/pool/NAME.jsonl); the others by the source file each row was drawn from.
            sets.Add(set == "pool"
                ? Of(set, kind, DatasetReader.Read([folder], new ReadOptions { Kind = kind }), PoolSourceName)
                : Of(set, kind, Directory.EnumerateFiles(folder, "*.jsonl").Order(StringComparer.Ordinal).SelectMany(f => ReadWithStoredSources(f, kind))));
        }
        return sets;
    }

    /// <summary>
    /// Writes the composition files a results folder lacks, from the row files it holds: <c>data/composition.json</c>
    /// when <c>data/test</c> is here, and <c>subsets/&lt;cell&gt;.composition.json</c> for every subset file
    /// <c>subsets/&lt;cell&gt;.jsonl</c>. Files already written are kept. Returns how many files were written.
    /// </summary>
    public static int FillMissing(string resultsDirectory, TaskKind kind, IProgress<string>? log = null)
    {
        int written = 0;
        var dataFile = DataFile(resultsDirectory);
        if (!File.Exists(dataFile) && Directory.Exists(Path.Combine(resultsDirectory, "data", "test")))
        {
            ExperimentResults.Write(dataFile, OfData(resultsDirectory, kind));
            written++;
        }
        var subsets = Path.Combine(resultsDirectory, "subsets");
        if (Directory.Exists(subsets))
            foreach (var file in Directory.EnumerateFiles(subsets, "*.jsonl").Order(StringComparer.Ordinal))
            {
                var key = Path.GetFileNameWithoutExtension(file);
                if (key.EndsWith(".scores", StringComparison.Ordinal) || File.Exists(SubsetFile(resultsDirectory, key))) continue;
                ExperimentResults.Write(SubsetFile(resultsDirectory, key), OfSubset(file, key, kind));
                written++;
            }
        if (written > 0) log?.Report($"composition: {written} file(s) computed from the row files in {resultsDirectory}");
        return written;
    }

    /// <summary><see cref="FillMissing(string, TaskKind, IProgress{string}?)"/> for a results folder, its task read from its <c>study.json</c>.</summary>
    public static int FillMissing(string resultsDirectory, IProgress<string>? log = null)
    {
        var study = ExperimentResults.Read<StudyInfo>(Path.Combine(resultsDirectory, ExperimentResults.StudyFile));
        return FillMissing(resultsDirectory, study.Task == "ner" ? TaskKind.Ner : TaskKind.Instruction, log);
    }
}
