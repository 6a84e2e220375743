using System.CommandLine;
using Winnow.Experiments;
using Winnow.Torch.Experiments;

namespace Winnow.Cli.Commands;

/// <summary>
/// <c>winnow experiment run CONFIG.yaml [--out DIR]</c> runs (or resumes) a whole study;
/// <c>winnow experiment report DIR…</c> renders one or more results folders as HTML and Markdown (and a per-cell diagnosis CSV),
/// first computing the composition files a folder lacks from its subset and data files.
/// </summary>
internal static class ExperimentCommand
{
    public static Command Create()
    {
        var command = new Command("experiment", "Run a selection study from a YAML config (resumable) and report it.");
        command.Subcommands.Add(RunCommand());
        command.Subcommands.Add(ReportCommand());
        return command;
    }

    private static Command RunCommand()
    {
        var config = new Argument<string>("config") { Description = "The study's YAML file (experiments/*.yaml)." };
        var out_ = new Option<string?>("--out") { Description = "Results folder (default runs/experiments/<name>); a rerun resumes it." };
        var noReport = new Option<bool>("--no-report") { Description = "Do not render the report at the end." };
        var only = new Option<string[]>("--only")
        {
            Description = "Run only these methods or ablation rows (comma-separated or repeated); the rest can be added to the same --out later.",
            AllowMultipleArgumentsPerToken = true,
        };
        var seeds = new Option<string[]>("--seeds")
        {
            Description = "Run only these of the config's seeds (comma-separated or repeated), e.g. to split a study between two processes, each with its own --out copy.",
            AllowMultipleArgumentsPerToken = true,
        };
        var threads = CommonOptions.Threads();
        var command = new Command("run", "Run every method × budget × seed of a study, skipping finished cells.");
        command.Arguments.Add(config);
        foreach (var o in new Option[] { out_, only, seeds, noReport, threads }) command.Options.Add(o);
        command.SetAction((r, cancellationToken) => Task.FromResult(CliErrors.Guard(() =>
        {
            CommonOptions.ApplyRuntime(r, threads);
            var study = ExperimentConfig.Load(r.GetValue(config)!);
            var results = Path.GetFullPath(r.GetValue(out_) ?? Path.Combine("runs", "experiments", study.Name));
            var log = new ConsoleProgress("experiment");
            var names = ListValues(r.GetValue(only));
            var seedList = ListValues(r.GetValue(seeds))
                .Select(v => int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var s)
                    ? s : throw new ArgumentException($"--seeds: '{v}' is not a whole number.")).ToList();
            var runOptions = new ExperimentRunOptions(results, WinnowPaths.Cache(), WinnowPaths.SharedData()) { Only = names, Seeds = seedList };
            var summary = new ExperimentRunner(study, runOptions, log).Run(cancellationToken);
            Console.WriteLine($"{summary.CellsComputed} cells computed, {summary.CellsReused} already finished, of {summary.CellsTotal}: {results}");
            if (!r.GetValue(noReport)) WriteReport([results], results);
            return 0;
        })));
        return command;
    }

    /// <summary>An option's values, comma-separated or repeated (`--only a,b --only c`), trimmed, empties dropped.</summary>
    private static List<string> ListValues(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static Command ReportCommand()
    {
        var dirs = new Argument<string[]>("results") { Description = "One or more results folders.", Arity = ArgumentArity.OneOrMore };
        var out_ = new Option<string?>("--out") { Description = "Folder for report.html and report.md (default: the first results folder)." };
        var command = new Command("report", "Render results folders as one offline HTML report, a Markdown summary and diagnosis.csv (composition files a folder lacks are first computed from its subset and data files).");
        command.Arguments.Add(dirs);
        command.Options.Add(out_);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            var folders = r.GetValue(dirs)!;
            WriteReport(folders, r.GetValue(out_) ?? folders[0]);
            return 0;
        }));
        return command;
    }

    private static void WriteReport(IReadOnlyList<string> folders, string outDir)
    {
        // The diagnosis of studies run before compositions were recorded: computed from their subset and data files, when here.
        foreach (var folder in folders)
            if (File.Exists(Path.Combine(folder, ExperimentResults.StudyFile)))
            {
                int written = SetComposition.FillMissing(folder);
                if (written > 0) Console.WriteLine($"composition: {written} file(s) computed from the row files in {folder}");
            }
        var report = ExperimentReport.Write(folders.Select(ExperimentResults.Load).ToList(), outDir);
        Console.WriteLine($"report: {report.HtmlPath}");
        Console.WriteLine($"summary: {report.MarkdownPath}");
        Console.WriteLine($"diagnosis per cell: {report.CsvPath}");
    }
}
