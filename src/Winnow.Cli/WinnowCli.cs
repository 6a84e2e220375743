using System.CommandLine;
using Winnow.Cli.Commands;

namespace Winnow.Cli;

public static class WinnowCli
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("Winnow: target-aware data selection for fine-tuning (ToV and baselines).");
        foreach (var command in Commands()) root.Subcommands.Add(command);
        try
        {
            var parsed = root.Parse(args);
            // A bad command line is bad input like any other: one line on stderr and exit 2, not the help text and 1.
            if (parsed.Errors.Count > 0)
            {
                Console.Error.WriteLine($"winnow: error: {CliErrors.ParseError(parsed.Errors[0].Message)} (see `winnow {CommandPath(parsed)} --help`)");
                return 2;
            }
            return parsed.Invoke();
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("winnow: cancelled.");
            return 130;
        }
    }

    private static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, result.Command.Name);
        return names.Count == 0 ? "" : string.Join(' ', names);
    }

    private static IEnumerable<Command> Commands()
    {
        yield return VersionCommand();
        yield return InspectCommand.Create();
        yield return ModelsCommand.Create();
        yield return ImportCommand.Create();
        yield return PretrainCommand.Create();
        yield return FinetuneCommand.Create();
        yield return EvalCommand.Create();
        yield return FitCommand.Create();
        yield return ScoreCommand.Create();
        yield return SelectCommand.Create();
        yield return ExplainCommand.Create();
        yield return MergeCommand.Create();
        yield return ClusterCommand.Create();
        yield return QuickstartCommand.Create();
        yield return ExperimentCommand.Create();
    }

    private static Command VersionCommand()
    {
        var version = new Command("version", "Print Winnow's and libtorch's versions.");
        version.SetAction(_ =>
        {
            Console.WriteLine($"winnow {typeof(WinnowCli).Assembly.GetName().Version}");
            Console.WriteLine(Winnow.Torch.Runtime.TorchRuntime.Describe());
            return 0;
        });
        return version;
    }
}
