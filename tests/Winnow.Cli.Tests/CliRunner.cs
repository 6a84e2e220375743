namespace Winnow.Cli.Tests;

public static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int code = WinnowCli.Run(args);
            return new CliResult(code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    public static string RepoRoot { get; } = FindRoot();

    public static string Samples(params string[] parts) => Path.Combine([RepoRoot, "samples", .. parts]);

    /// <summary>The CLI assembly the test project references, run through the dotnet host.</summary>
    public static string WinnowDll()
    {
        string beside = Path.Combine(Path.GetDirectoryName(typeof(WinnowCli).Assembly.Location)!, "winnow.dll");
        if (File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json"))) return beside;
        var built = Directory.GetFiles(Path.Combine(RepoRoot, "src", "Winnow.Cli", "bin"), "winnow.dll", SearchOption.AllDirectories);
        return built.OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault() ?? throw new FileNotFoundException("winnow.dll not built");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Winnow.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("Winnow.slnx not found above the test binaries.");
    }
}
