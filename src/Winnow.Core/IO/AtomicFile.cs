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
