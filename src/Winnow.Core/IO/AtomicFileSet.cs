namespace Winnow.Core.IO;

/// <summary>
/// The outputs of one command, made to appear together or not at all: each is written in full under a hidden staged
/// name beside its target (<see cref="Stage"/>), then <see cref="Commit"/> renames them into place with the
/// <i>marker</i> — the file that names the finished set — removed first and renamed last. A reader that finds the marker
/// finds the set it names; a set without its marker is unfinished. Disposing without committing deletes the staged files.
/// </summary>
public sealed class AtomicFileSet : IDisposable
{
    private readonly List<(string Staged, string Target)> _files = [];
    private bool _committed;

    /// <summary>The hidden path to write <paramref name="target"/>'s content to (any writer; it need not be atomic).</summary>
    public string Stage(string target)
    {
        var full = Path.GetFullPath(target);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var staged = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.staged");
        _files.Add((staged, full));
        return staged;
    }

    /// <summary>Moves every staged file into place: the old <paramref name="marker"/> is removed first, the new one moved last.</summary>
    public void Commit(string marker)
    {
        var markerPath = Path.GetFullPath(marker);
        if (!_files.Any(f => f.Target == markerPath)) throw new ArgumentException($"{marker} is not one of the staged files.", nameof(marker));
        // What would stop a rename halfway is refused before anything moves.
        foreach (var (_, target) in _files)
            if (Directory.Exists(target)) throw new IOException($"Cannot write {target}: a folder has that name.");
        if (File.Exists(markerPath)) File.Delete(markerPath);
        foreach (var (staged, target) in _files.Where(f => f.Target != markerPath).Append(_files.First(f => f.Target == markerPath)))
            File.Move(staged, target, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        foreach (var (staged, _) in _files)
        {
            try
            {
                File.Delete(staged);
            }
            catch (IOException)
            {
                // Best effort; AtomicFile.RemoveOrphans clears leftovers on the next write of the same output.
            }
        }
    }
}
