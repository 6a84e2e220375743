namespace Winnow.Cli.Commands;

/// <summary>Where Winnow finds its repository, the shared data beside it, and its cache.</summary>
internal static class WinnowPaths
{
    /// <summary>The clone's root (the folder holding Winnow.slnx), searched from the working folder, then from the binary.</summary>
    public static string? RepoRoot() =>
        FindUp(Directory.GetCurrentDirectory()) ?? FindUp(AppContext.BaseDirectory);

    /// <summary>WINNOW_SHARED_DATA, else ../shared/data beside the clone.</summary>
    public static string SharedData()
    {
        var fromEnv = Environment.GetEnvironmentVariable("WINNOW_SHARED_DATA");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        var root = RepoRoot();
        return root is null ? Path.GetFullPath("../shared/data") : Path.GetFullPath(Path.Combine(root, "..", "shared", "data"));
    }

    /// <summary>The bundled samples folder of the clone.</summary>
    public static string Samples() =>
        Path.Combine(RepoRoot() ?? throw new DirectoryNotFoundException("Cannot find the Winnow clone (no Winnow.slnx above this folder)."), "samples");

    /// <summary>WINNOW_CACHE, else $XDG_CACHE_HOME/winnow, else ~/.cache/winnow.</summary>
    public static string Cache()
    {
        var fromEnv = Environment.GetEnvironmentVariable("WINNOW_CACHE");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "winnow");
    }

    private static string? FindUp(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Winnow.slnx"))) return dir.FullName;
        return null;
    }
}
