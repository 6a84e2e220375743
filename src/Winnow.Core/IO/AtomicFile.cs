using System.Text;

namespace Winnow.Core.IO;

/// <summary>
/// Writes a file so that it either appears complete or not at all: the content goes to a hidden temporary file in the
/// same folder, which is flushed to disk and then renamed over the target. If writing throws, the temporary file is
/// deleted and the target is left as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>UTF-8 without a byte-order mark, the encoding every Winnow text output uses.</summary>
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var temp = CreateTemp(path, out var stream);
        try
        {
            using (stream)
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="path"/> as UTF-8 text, atomically.</summary>
    public static void WriteText(string path, Action<TextWriter> write) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, 1 << 16, leaveOpen: true) { NewLine = "\n" };
            write(writer);
        });

    /// <summary>Writes <paramref name="path"/> through an asynchronous <paramref name="write"/>, atomically.</summary>
    public static async Task WriteAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken = default)
    {
        var temp = CreateTemp(path, out var stream);
        try
        {
            await using (stream)
            {
                await write(stream);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Removes what an interrupted write of <paramref name="path"/> left beside it (<c>.NAME.*.tmp</c> and staged files).
    /// Call only while holding the output's <see cref="FileLock"/>: another writer of the same file would lose its temp file.
    /// </summary>
    public static void RemoveOrphans(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) return;
        var name = Path.GetFileName(full);
        foreach (var pattern in new[] { $".{name}.*.tmp", $".{name}.*.staged" })
            foreach (var orphan in Directory.EnumerateFiles(folder, pattern))
                TryDelete(orphan);
    }

    private static string CreateTemp(string path, out FileStream stream)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        return temp;
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // Best effort: the original exception matters more than a leftover hidden temp file.
        }
    }
}

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
