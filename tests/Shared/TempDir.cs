namespace Winnow.Testing;

/// <summary>
/// A fresh folder under the system's temporary folder, removed on dispose. The one temporary-folder helper of every
/// test project (linked into each from tests/Shared); the name is short so paths built under it (sockets, nested runs)
/// stay well within the system's limits.
/// </summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "winnow-test-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>A path inside the folder (nothing is created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> inside the folder (creating subfolders) and returns its path.</summary>
    public string File(string name, string content)
    {
        var path = File(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> inside the folder and returns its path.</summary>
    public string Bytes(string name, byte[] content)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A path inside the folder, for a subfolder (nothing is created).</summary>
    public string Sub(string name) => File(name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
