using System.CommandLine;
using Spectre.Console;
using Winnow.Core.Data;
using Winnow.Core.Data.Ner;

namespace Winnow.Cli.Commands;

/// <summary><c>winnow inspect FILE…</c>: reads data the way selection would and shows what came out.</summary>
internal static class InspectCommand
{
    private static readonly int[] BucketEdges = [8, 16, 32, 64, 128, 256, 512, 1024];

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files and folders to read (folders recursively).", Arity = ArgumentArity.OneOrMore };
        var format = new Option<DataFormat>("--format") { Description = "Force a format instead of detecting it per file.", DefaultValueFactory = _ => DataFormat.Auto };
        var labelMap = new Option<string?>("--label-map") { Description = "NER label-map file ('source_type = TARGET' lines, [source] sections)." };
        var fields = TaskData.FieldsOption();
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Skip bad examples and report them instead of stopping at the first." };
        var tagScheme = new Option<TagScheme>("--tag-scheme") { Description = "How B-/I- prefixes are read (auto, bio, iob1).", DefaultValueFactory = _ => TagScheme.Auto };

        var command = new Command("inspect", "Read data files and folders and summarise what was read: counts, lengths, labels, errors.");
        command.Arguments.Add(paths);
        command.Options.Add(format);
        command.Options.Add(labelMap);
        command.Options.Add(fields);
        command.Options.Add(skipInvalid);
        command.Options.Add(tagScheme);
        command.SetAction(parseResult => CliErrors.Guard(() =>
        {
            // A console over today's Console.Out (AnsiConsole's static one keeps the writer it first saw); plain text
            // when the output is a file or a pipe, so colour codes never end up in a saved report.
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(Console.Out),
                Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
                ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            });
            var options = new ReadOptions
            {
                Format = parseResult.GetValue(format),
                LabelMap = parseResult.GetValue(labelMap) is { } mapPath ? LabelMap.Load(mapPath) : null,
                SkipInvalid = parseResult.GetValue(skipInvalid),
                Fields = parseResult.GetValue(fields),
                TagScheme = parseResult.GetValue(tagScheme),
            };
            return Run(console, parseResult.GetValue(paths) ?? [], options);
        }));
        return command;
    }

    private static int Run(IAnsiConsole console, string[] paths, ReadOptions options)
    {
        var spec = DatasetSpec.FromPaths(paths);
        var report = new ReadReport();
        var stats = new Stats();
        DataFormatException? failure = null;
        try
        {
            foreach (var example in DatasetReader.Read(spec, options, report))
                stats.Add(example);
        }
        catch (DataFormatException e)
        {
            // Show what was read before the error too: it tells where in the data things went wrong.
            failure = e;
        }

        ShowSources(console, stats);
        ShowLengths(console, stats);
        ShowLabels(console, stats);
        ShowSkipped(console, report);
        // What was read is shown (it tells where in the data things went wrong); the error itself is bad input like
        // any other command's: one line on stderr, exit 2.
        if (failure is not null) throw failure;
        return 0;
    }

    private static void ShowSources(IAnsiConsole console, Stats stats)
    {
        var table = new Table().AddColumn("source").AddColumn("kind").AddColumn(new TableColumn("examples").RightAligned())
            .AddColumn(new TableColumn("mean tokens").RightAligned());
        foreach (var (source, s) in stats.Sources)
            table.AddRow(Markup.Escape(source), s.Kind.ToString(), s.Count.ToString("N0"), (s.Tokens / (double)Math.Max(1, s.Count)).ToString("F1"));
        table.AddRow("[bold]total[/]", "", $"[bold]{stats.Sources.Values.Sum(s => s.Count):N0}[/]", "");
        console.Write(table);
    }

    private static void ShowLengths(IAnsiConsole console, Stats stats)
    {
        if (stats.LengthBuckets.All(c => c == 0))
            return;
        var chart = new BarChart().Label("[bold]length in whitespace tokens[/] (instruction: prompt + completion)").Width(70);
        for (var i = 0; i < stats.LengthBuckets.Length; i++)
            chart.AddItem(BucketLabel(i), stats.LengthBuckets[i], Color.SteelBlue);
        console.Write(chart);
    }

    private static void ShowLabels(IAnsiConsole console, Stats stats)
    {
        if (stats.Entities.Count == 0)
            return;
        var chart = new BarChart().Label("[bold]entities per type[/] (after label mapping)").Width(70);
        foreach (var (type, count) in stats.Entities.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
            chart.AddItem(Markup.Escape(type), count, Color.Green);
        console.Write(chart);
    }

    private static void ShowSkipped(IAnsiConsole console, ReadReport report)
    {
        if (report.Skipped == 0)
            return;
        console.MarkupLine($"[yellow]skipped {report.Skipped:N0} invalid[/]: " +
            string.Join(", ", report.SkippedByReason.Select(kv => $"{kv.Key} {kv.Value:N0}")));
        foreach (var error in report.FirstErrors)
            console.MarkupLine($"  [yellow]{Markup.Escape(error.Message)}[/]");
    }

    private static string BucketLabel(int bucket) => bucket switch
    {
        0 => $"1-{BucketEdges[0]}",
        _ when bucket == BucketEdges.Length => $">{BucketEdges[^1]}",
        _ => $"{BucketEdges[bucket - 1] + 1}-{BucketEdges[bucket]}",
    };

    private sealed class Stats
    {
        public Dictionary<string, (TaskKind Kind, long Count, long Tokens)> Sources { get; } = new(StringComparer.Ordinal);

        public long[] LengthBuckets { get; } = new long[BucketEdges.Length + 1];

        public Dictionary<string, long> Entities { get; } = new(StringComparer.Ordinal);

        public void Add(Example example)
        {
            var length = example switch
            {
                NerExample n => n.Tokens.Count,
                InstructionExample i => Words(i.Prompt) + Words(i.Completion),
                _ => 0,
            };
            var (_, count, tokens) = Sources.GetValueOrDefault(example.Source);
            Sources[example.Source] = (example.Kind, count + 1, tokens + length);
            var bucket = Array.FindIndex(BucketEdges, edge => length <= edge);
            LengthBuckets[bucket < 0 ? BucketEdges.Length : bucket]++;
            if (example is NerExample ner)
                CountEntities(ner);
        }

        private void CountEntities(NerExample ner)
        {
            foreach (var tag in ner.Tags.Where(BioTags.IsBegin))
                Entities[tag[2..]] = Entities.GetValueOrDefault(tag[2..]) + 1;
        }

        private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
