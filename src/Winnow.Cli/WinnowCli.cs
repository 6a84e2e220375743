using System.CommandLine;

namespace Winnow.Cli;

public static class WinnowCli
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("Winnow: target-aware data selection for fine-tuning (ToV and baselines).");
        var version = new Command("version", "Print Winnow's and libtorch's versions.");
        version.SetAction(_ =>
        {
            Console.WriteLine($"winnow {typeof(WinnowCli).Assembly.GetName().Version}");
            Console.WriteLine(Winnow.Torch.Runtime.TorchRuntime.Describe());
            return 0;
        });
        root.Subcommands.Add(version);
        root.Subcommands.Add(Commands.InspectCommand.Create());
        return root.Parse(args).Invoke();
    }
}
