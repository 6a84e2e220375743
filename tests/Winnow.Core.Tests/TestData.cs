namespace Winnow.Core.Tests;

/// <summary>Paths to the shared real data sets and scratch folders for tests.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);

    /// <summary>The repository root (the folder holding Winnow.slnx).</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>A file or folder under ../shared/data.</summary>
    public static string Shared(string relative) => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", relative));

    /// <summary>A file or folder under samples/.</summary>
    public static string Sample(string relative) => Path.Combine(RepoRoot, "samples", relative);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Winnow.slnx")))
                return dir.FullName;
        }

        throw new InvalidOperationException("Winnow.slnx not found above " + AppContext.BaseDirectory);
    }
}
