using Winnow.Core.Data.Readers;

namespace Winnow.Core.Data;

/// <summary>
/// Streams examples from files and folders, whatever their format. Examples come out lazily, file by file, so a pool of
/// any size is never held whole. Per source, ids are made unique (see <see cref="ExampleIds"/>); NER tags are BIO and,
/// with a <see cref="ReadOptions.LabelMap"/>, mapped to the target's types. JSON, JSONL and Parquet rows are
/// recognised by their fields (the shapes <c>JsonRecords</c> lists), or read through <see cref="ReadOptions.Fields"/>.
/// <para>
/// Errors: the first bad example throws a <see cref="DataFormatException"/>, unless <see cref="ReadOptions.SkipInvalid"/>
/// is set; then bad examples are counted in the <see cref="ReadReport"/>, and a file that cannot be read on (broken
/// encoding, broken JSON array, unreadable Parquet, no examples at all) is skipped from that point. Missing files and
/// folders always throw, when the <see cref="DatasetSpec"/> is built.
/// </para>
/// </summary>
public static class DatasetReader
{
    /// <summary>Reads every file of <paramref name="paths"/> (files and folders).</summary>
    public static IEnumerable<Example> Read(IEnumerable<string> paths, ReadOptions? options = null, ReadReport? report = null) =>
        Read(DatasetSpec.FromPaths(paths), options, report);

    /// <summary>Reads every file of <paramref name="spec"/>.</summary>
    public static IEnumerable<Example> Read(DatasetSpec spec, ReadOptions? options = null, ReadReport? report = null)
    {
        options ??= ReadOptions.Default;
        report ??= new ReadReport();
        var assigners = new Dictionary<string, IdAssigner>(StringComparer.Ordinal);
        return spec.Files.SelectMany(file => ReadFile(file, options, report, assigners));
    }

    /// <summary>Reads instruction examples only; any other kind is a <see cref="DataErrorKind.KindMismatch"/>.</summary>
    public static IEnumerable<InstructionExample> ReadInstructions(IEnumerable<string> paths, ReadOptions? options = null, ReadReport? report = null) =>
        Read(paths, (options ?? ReadOptions.Default) with { Kind = TaskKind.Instruction }, report).Cast<InstructionExample>();

    /// <summary>Reads NER sentences only; any other kind is a <see cref="DataErrorKind.KindMismatch"/>.</summary>
    public static IEnumerable<NerExample> ReadNer(IEnumerable<string> paths, ReadOptions? options = null, ReadReport? report = null) =>
        Read(paths, (options ?? ReadOptions.Default) with { Kind = TaskKind.Ner }, report).Cast<NerExample>();

    /// <summary>Reads one file with <paramref name="source"/> as its tag.</summary>
    public static IEnumerable<Example> ReadFile(string path, string source, ReadOptions? options = null, ReadReport? report = null) =>
        ReadFile(new DataFile(path, source), options ?? ReadOptions.Default, report ?? new ReadReport(), new Dictionary<string, IdAssigner>(StringComparer.Ordinal));

    private static IEnumerable<Example> ReadFile(DataFile file, ReadOptions options, ReadReport report, Dictionary<string, IdAssigner> assigners)
    {
        var context = new ReaderContext(file.Path, file.Source, options);
        TaskKind? fileKind = options.Kind;
        var produced = 0L;
        using var results = Parse(context).GetEnumerator();
        while (true)
        {
            Parsed parsed;
            try
            {
                if (!results.MoveNext())
                    break;
                parsed = results.Current;
            }
            catch (DataFormatException e) when (options.SkipInvalid && e.Kind != DataErrorKind.MissingFile)
            {
                // The rest of this file cannot be read; what came before stays.
                report.CountSkipped(e);
                yield break;
            }

            produced++;
            var error = parsed.Error ?? KindError(parsed.Example!, ref fileKind, context);
            if (error is not null)
            {
                Reject(error, options, report);
                continue;
            }

            var example = Finish(parsed.Example!, options, assigners);
            report.CountRead(example.Source);
            yield return example;
        }

        if (produced == 0)
            Reject(new DataFormatException(DataErrorKind.EmptyFile, file.Path, null, "file holds no examples"), options, report);
    }

    private static IEnumerable<Parsed> Parse(ReaderContext context)
    {
        var format = context.Options.Format == DataFormat.Auto ? FormatDetector.Detect(context.File, context.Options.Fields) : context.Options.Format;
        return format switch
        {
            DataFormat.Jsonl => JsonlReader.Read(context),
            DataFormat.JsonArray => JsonArrayReader.Read(context),
            DataFormat.QaTsv => QaTsvReader.Read(context),
            DataFormat.Conll => ConllReader.Read(context),
            DataFormat.Parquet => ParquetTableReader.Read(context),
            DataFormat.Csv => CsvTableReader.Read(context),
            DataFormat.TsvTable => CsvTableReader.Read(context, tabs: true),
            _ => throw new DataFormatException(DataErrorKind.UnknownFormat, context.File, null, $"unsupported format {format}"),
        };
    }

    private static DataFormatException? KindError(Example example, ref TaskKind? fileKind, ReaderContext context)
    {
        fileKind ??= example.Kind;
        if (example.Kind == fileKind)
            return null;
        var expected = context.Options.Kind is null ? $"{Describe(fileKind.Value)} like the rest of the file" : Describe(fileKind.Value);
        return new DataFormatException(DataErrorKind.KindMismatch, context.File, null,
            $"example '{example.Id}': expected {expected}, found {Describe(example.Kind)}");
    }

    private static string Describe(TaskKind kind) => kind == TaskKind.Ner ? "NER data" : "instruction data";

    private static Example Finish(Example example, ReadOptions options, Dictionary<string, IdAssigner> assigners)
    {
        if (!assigners.TryGetValue(example.Source, out var assigner))
            assigners[example.Source] = assigner = new IdAssigner();
        var id = assigner.Assign(example.Id);
        return example switch
        {
            NerExample ner when options.LabelMap is { } map => ner with { Id = id, Tags = map.Apply(ner.Source, ner.Tags) },
            _ => example with { Id = id },
        };
    }

    private static void Reject(DataFormatException error, ReadOptions options, ReadReport report)
    {
        if (!options.SkipInvalid)
            throw error;
        report.CountSkipped(error);
    }
}
