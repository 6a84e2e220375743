using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Winnow.Core.IO;

namespace Winnow.Core.Runs;

/// <summary>
/// A run folder (docs/design.md, "Run folders"): the one reader and writer of its manifest.json and the one place
/// that decides, for every method, whether a fit reuses what is there, is refused, or replaces it with --force. A
/// method's own files live beside the manifest under names the method gives; replacing a run removes exactly those
/// (its RunFiles), never the folder, which --out may share with other things.
/// </summary>
public sealed record RunFolder(string Root)
{
    public const string ManifestFileName = "manifest.json";

    /// <summary>The way out named by every refusal of a manifest that cannot be read.</summary>
    internal const string Redo = "fit again with --force (or into another folder) to redo the run";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string ManifestPath => Path.Combine(Root, ManifestFileName);

    public bool HasManifest => System.IO.File.Exists(ManifestPath);

    /// <summary>A file or folder of the run, by its name in the folder.</summary>
    public string File(string name) => Path.Combine(Root, name);

    /// <summary>
    /// The manifest, null when there is none. One of an earlier schema is migrated in memory (the file is left as it
    /// is); one that cannot be read (damaged, or of a schema this version does not know) is refused with the way to redo it.
    /// </summary>
    public RunManifest? Read()
    {
        if (!HasManifest) return null;
        string path = ManifestPath;
        try
        {
            var node = JsonNode.Parse(System.IO.File.ReadAllText(path)) as JsonObject
                       ?? throw new InvalidDataException($"{path} is not a run manifest (not a JSON object); {Redo}.");
            string? schema = node["schema"] is JsonValue s && s.TryGetValue(out string? name) ? name : null;
            if (RunManifestMigration.Knows(schema)) node = RunManifestMigration.ToV2(node, schema!);
            else if (schema != RunManifest.SchemaName)
                throw new InvalidDataException($"{path} has schema '{schema}', which this version does not read (it reads {RunManifest.SchemaName} and the v1 schemas); {Redo}.");
            return node.Deserialize<RunManifest>(Json) ?? throw new InvalidDataException($"{path} is an empty run manifest; {Redo}.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path} is not a readable run manifest: {e.Message}; {Redo}.", e);
        }
        catch (InvalidDataException e) when (!e.Message.Contains(Redo, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} is not a readable run manifest: {e.Message}; {Redo}.", e);
        }
    }

    /// <summary>Writes the manifest atomically, as indented JSON and a final newline, in the schema of today.</summary>
    public void Write(RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Directory.CreateDirectory(Root);
        AtomicFile.WriteText(ManifestPath, w => w.Write(JsonSerializer.Serialize(manifest with { Schema = RunManifest.SchemaName }, Json) + "\n"));
    }

    /// <summary>
    /// Before <paramref name="method"/> fits here: another method's run is refused, or with <paramref name="force"/>
    /// replaced by removing the files <paramref name="runFilesOf"/> names for its method, whichever two methods they
    /// are. A manifest that cannot be read is refused with the way out, and --force removes it. A run of this method
    /// is left to <see cref="Claim"/>, which knows the planned fingerprint.
    /// </summary>
    public void ClaimFor(string method, bool force, Func<string, IReadOnlyList<string>> runFilesOf, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(runFilesOf);
        RunManifest? existing;
        try
        {
            existing = Read();
        }
        catch (InvalidDataException) when (force)
        {
            System.IO.File.Delete(ManifestPath);
            return;
        }
        if (existing is null || string.Equals(existing.Method, method, StringComparison.Ordinal)) return;
        if (!force) throw new RunMismatchException($"{Root} holds a {existing.Method} run; use another --out or --force to replace it.");
        progress?.Report($"replacing the {existing.Method} run in {Root} (--force)");
        Clear(runFilesOf(existing.Method));
    }

    /// <summary>
    /// The one rule for a fit into this folder: nothing there, null (fit); the same fingerprint, that run (the method
    /// reuses it when complete, continues or redoes it otherwise); another fingerprint, refused naming what differs,
    /// unless <paramref name="force"/>, which removes <paramref name="runFiles"/> (manifest included) and returns null.
    /// </summary>
    public RunManifest? Claim(RunManifest planned, bool force, IReadOnlyList<string> runFiles)
    {
        ArgumentNullException.ThrowIfNull(planned);
        var existing = Read();
        if (existing is null) return null;
        if (existing.Fingerprint == planned.Fingerprint) return existing;
        if (!force)
            throw new RunMismatchException(
                $"{Root} holds a {existing.Method} run made from other inputs or options ({existing.Differences(planned)}); use another --out or --force to replace it.");
        Clear(runFiles);
        return null;
    }

    /// <summary>
    /// A fit that never resumes: reuses a complete run of the same fingerprint (and <paramref name="usable"/>, when
    /// given, for files beside it); otherwise removes what an earlier run left, writes the planned manifest, runs
    /// <paramref name="fit"/> (which writes the method's files and returns their size) and writes the manifest
    /// complete. A fit that stops leaves nothing that looks like a run.
    /// </summary>
    public RunFit FitOnce(RunManifest planned, bool force, IReadOnlyList<string> runFiles, Func<long> fit, IProgress<string>? progress = null,
        Func<RunManifest, bool>? usable = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var clock = Stopwatch.StartNew();
        if (Claim(planned, force, runFiles) is { } existing)
        {
            if (existing.Complete && (usable is null || usable(existing)))
            {
                progress?.Report($"run {Root} is complete; reusing it");
                return new RunFit(existing, Reused: true, clock.Elapsed.TotalSeconds, 0);
            }
            // An unfinished run of the same inputs is redone, like a forced one of other inputs.
            Clear(runFiles);
        }

        Write(planned);
        long bytes;
        try
        {
            bytes = fit();
        }
        catch
        {
            Clear(runFiles);
            throw;
        }
        bytes += new FileInfo(ManifestPath).Length;
        var done = planned with { Complete = true, Seconds = clock.Elapsed.TotalSeconds, BytesWritten = bytes };
        Write(done);
        return new RunFit(done, Reused: false, clock.Elapsed.TotalSeconds, bytes);
    }

    /// <summary>The manifest of a run of <paramref name="method"/>: refuses a folder without one, or another method's run.</summary>
    /// <param name="label">What messages call the method ("ToV", "LESS"); null: the folder is called a run folder.</param>
    public RunManifest ReadOf(string method, string? label = null)
    {
        var manifest = Read() ?? throw new FileNotFoundException(
            $"{Root} is not a {(label is null ? "run folder" : label + " run")} (no {ManifestFileName}); run `winnow fit --method {method}` first.", ManifestPath);
        if (manifest.Method != method) throw new InvalidDataException($"{Root} holds a {manifest.Method} run, not a {method} run.");
        return manifest;
    }

    /// <summary>The manifest of a finished run of <paramref name="method"/> (<paramref name="usable"/>: its files are there too), or a clear error.</summary>
    /// <param name="label">What messages call the method ("LESS", "TSDS"); null: its name.</param>
    public RunManifest ReadComplete(string method, string? label = null, Func<RunManifest, bool>? usable = null)
    {
        var manifest = ReadOf(method, label);
        if (!manifest.Complete || (usable is not null && !usable(manifest)))
            throw new InvalidDataException($"The {label ?? method} run in {Root} is not finished; run fit again.");
        return manifest;
    }

    /// <summary>The pool's hash, refusing a pool other than the fitted one: rows would not line up with what was fitted.</summary>
    public static string CheckPool(RunManifest manifest, IReadOnlyList<string> pool)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        string hash = ContentHash.OfPaths(pool);
        if (hash != manifest.PoolHash)
            throw new InvalidDataException($"The pool differs from the one the {manifest.Method} run was fitted on ({string.Join(", ", manifest.Pool)}); pass the same pool.");
        return hash;
    }

    /// <summary>Removes the named files and folders of a run and its manifest (never the folder: it may hold other things).</summary>
    public void Clear(IEnumerable<string> runFiles)
    {
        ArgumentNullException.ThrowIfNull(runFiles);
        if (!Directory.Exists(Root)) return;
        foreach (var name in runFiles)
        {
            var path = File(name);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else System.IO.File.Delete(path);
        }
        System.IO.File.Delete(ManifestPath);
    }

    /// <summary>Bytes under <paramref name="path"/> (a file or a folder).</summary>
    public static long SizeOf(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
        : System.IO.File.Exists(path) ? new FileInfo(path).Length : 0;
}
