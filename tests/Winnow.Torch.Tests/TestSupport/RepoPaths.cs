namespace Winnow.Torch.Tests.TestSupport;

/// <summary>The clone's root (holding Winnow.slnx) and its bundled samples.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples(params string[] parts) => Path.Combine([Root, "samples", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Winnow.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("Winnow.slnx not found above the test binaries.");
    }
}
