using System.Collections.Concurrent;
using System.Globalization;

namespace Winnow.Core.IO;

/// <summary>
/// One process at a time per output or run folder. The lock is a small file naming its holder (pid, host, start time,
/// command line), created exclusively and kept open with a shared advisory lock while held:
/// <list type="bullet">
/// <item>a second process finds the file, cannot take it over (the holder's shared lock blocks an exclusive one) and
/// is refused at once with one line naming the holder;</item>
/// <item>a process that was killed leaves the file but not its lock (the kernel drops it), so the next one takes the
/// exclusive lock, sees the lock is stale, removes it and goes on; nothing depends on pids being unique;</item>
/// <item>the holder removes the file when it is done. Nested acquisitions by the same process share one lock.</item>
/// </list>
/// </summary>
public sealed class FileLock : IDisposable
{
    private static readonly ConcurrentDictionary<string, FileLock> Held = new(StringComparer.Ordinal);

    private readonly FileStream? _stream;
    private readonly string _content;
    private int _depth = 1;

    private FileLock(string path, FileStream? stream, string content)
    {
        Path = path;
        _stream = stream;
        _content = content;
    }

    public string Path { get; }

    /// <summary>The lock file of a run folder: <c>FOLDER/.lock</c>.</summary>
    public static string ForFolder(string folder) => System.IO.Path.Combine(folder, ".lock");

    /// <summary>The lock file of an output file: <c>.NAME.lock</c> beside it.</summary>
    public static string ForFile(string file)
    {
        var full = System.IO.Path.GetFullPath(file);
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, "." + System.IO.Path.GetFileName(full) + ".lock");
    }

    /// <summary>Locks run folder <paramref name="folder"/> (created if missing).</summary>
    public static FileLock AcquireFolder(string folder, IProgress<string>? log = null) => Acquire(ForFolder(folder), folder, log);

    /// <summary>Locks output file <paramref name="file"/> (and the side files named after it).</summary>
    public static FileLock AcquireFile(string file, IProgress<string>? log = null) => Acquire(ForFile(file), file, log);

    /// <summary>Takes the lock at <paramref name="path"/> for <paramref name="what"/>, or throws <see cref="FileLockException"/> naming the holder.</summary>
    public static FileLock Acquire(string path, string what, IProgress<string>? log = null)
    {
        path = System.IO.Path.GetFullPath(path);
        lock (Held)
        {
            if (Held.TryGetValue(path, out var mine))
            {
                mine._depth++;
                return mine;
            }
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            string holder = "";
            for (int attempt = 0; attempt < 10; attempt++)
            {
                if (TryCreate(path) is { } created)
                {
                    Held[path] = created;
                    return created;
                }
                switch (Inspect(path, out holder))
                {
                    case State.Gone:
                        continue;
                    case State.Stale:
                        log?.Report($"removed a stale lock left by a stopped process ({holder}): {path}");
                        continue;
                    default:
                        throw new FileLockException(
                            $"{what} is in use by another process ({holder}; lock file {path}): wait for it to finish or stop it, or use another output.");
                }
            }
            throw new FileLockException($"{what}: could not take the lock file {path} (it kept changing hands; last holder: {holder}).");
        }
    }

    public void Dispose()
    {
        lock (Held)
        {
            if (--_depth > 0) return;
            Held.TryRemove(Path, out _);
            try
            {
                // Removed while still held, and only if it is still this lock (never another process's).
                if (_stream is not null && Read(Path) == _content) File.Delete(Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A leftover lock file is stale once this process lets go; the next process removes it.
            }
            _stream?.Dispose();
        }
    }

    private static FileLock? TryCreate(string path)
    {
        FileStream stream;
        try
        {
            // CreateNew is exclusive; FileShare.Read keeps a shared advisory lock, so others can read who holds it
            // but no one can take the exclusive lock that removing a stale file requires.
            stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
        try
        {
            var content = Describe();
            var bytes = AtomicFile.Utf8.GetBytes(content);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
            return new FileLock(path, stream, content);
        }
        catch
        {
            stream.Dispose();
            try { File.Delete(path); } catch (IOException) { }
            throw;
        }
    }

    private enum State
    {
        Held,
        Stale,
        Gone,
    }

    private static State Inspect(string path, out string holder)
    {
        holder = "holder unknown";
        FileStream probe;
        try
        {
            // Only possible when no live process holds its shared lock on this file.
            probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return State.Gone;
        }
        catch (IOException)
        {
            holder = Summary(TryRead(path));
            return State.Held;
        }
        using (probe)
        {
            var content = new StreamReader(probe, AtomicFile.Utf8).ReadToEnd();
            holder = Summary(content);
            // A file being written this instant by a process that has not yet taken its lock: leave it alone.
            if (content.Length == 0 && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < TimeSpan.FromSeconds(5)) return State.Held;
            // Remove it only if the path still names the file this probe holds (then reading it again is refused).
            try
            {
                _ = Read(path);
                return State.Gone; // replaced meanwhile: look again
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return State.Gone;
            }
            catch (IOException)
            {
                File.Delete(path);
                return State.Stale;
            }
        }
    }

    private static string Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream, AtomicFile.Utf8).ReadToEnd();
    }

    private static string? TryRead(string path)
    {
        try
        {
            return Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Describe()
    {
        // args[0] is the program (winnow.dll under `dotnet`); what follows is the command as the user typed it.
        var args = Environment.GetCommandLineArgs();
        var text = System.IO.Path.GetFileNameWithoutExtension(args.Length > 0 ? args[0] : "winnow") + " " + string.Join(' ', args.Skip(1));
        if (text.Length > 160) text = text[..157] + "...";
        return string.Create(CultureInfo.InvariantCulture,
            $"pid={Environment.ProcessId}\nhost={Environment.MachineName}\nstarted={DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\ncommand={text}\n");
    }

    private static string Summary(string? content)
    {
        if (string.IsNullOrWhiteSpace(content)) return "holder unknown";
        var fields = content.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var pid = fields.GetValueOrDefault("pid", "?");
        var parts = new List<string> { $"pid {pid}" };
        if (fields.TryGetValue("host", out var host) && host != Environment.MachineName) parts.Add($"on {host}");
        if (fields.TryGetValue("started", out var started)) parts.Add($"since {started}");
        if (fields.TryGetValue("command", out var command)) parts.Add($"`{command}`");
        return string.Join(", ", parts);
    }
}
