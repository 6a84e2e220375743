using System.CommandLine;
using Winnow.Torch.Runtime;

namespace Winnow.Cli.Commands;

/// <summary>Options shared by every command that runs a model.</summary>
internal static class CommonOptions
{
    public static Option<int> Threads() => new("--threads")
    {
        Description = "libtorch threads (0 = libtorch's default). On shared 2-core machines 1 is often fastest.",
        DefaultValueFactory = _ => 0,
    };

    public static Option<int> Seed() => new("--seed")
    {
        Description = "Random seed; the same seed gives the same result.",
        DefaultValueFactory = _ => 0,
    };

    public static void ApplyRuntime(ParseResult result, Option<int> threads)
    {
        TorchRuntime.SetThreads(result.GetValue(threads));
        TorchRuntime.KeepFreedMemory();
    }
}
