using System.Diagnostics;
using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Core.Scoring;

namespace Winnow.Torch.Methods.Common;

/// <summary>
/// The shared run-folder mechanics of the non-ToV methods: reuse a complete run with the same fingerprint, refuse a
/// different one unless forced, write the manifest last, and load a finished run for scoring. A method's own files
/// live next to the manifest; <see cref="Clear"/> removes only the files the method names.
/// </summary>
public sealed record MethodRunFolder(string Root)
{
    public string Manifest => Path.Combine(Root, MethodManifest.FileName);

    public string File(string name) => Path.Combine(Root, name);

    /// <summary>
    /// Runs <paramref name="fit"/> (which writes the method's files and returns their size in bytes) unless a complete run
    /// with the same fingerprint is there already. <paramref name="ownFiles"/> are removed before a forced refit.
    /// </summary>
    public MethodRun FitOnce(MethodManifest planned, bool force, IReadOnlyList<string> ownFiles, Func<long> fit, IProgress<string>? progress)
    {
        var clock = Stopwatch.StartNew();
        // Another method's run here was refused or, with force, cleared by the registry (SelectionMethods).
        if (System.IO.File.Exists(Manifest))
        {
            var existing = MethodManifest.Load(Manifest);
            if (RunStore.Check(Root, existing.ToHeader(), planned.ToHeader(), force) == RunDecision.Same && existing.Complete)
            {
                progress?.Report($"run {Root} is complete; reusing it");
                return new MethodRun(Root, existing.Method, Reused: true, clock.Elapsed.TotalSeconds, 0);
            }
            // An unfinished run of the same inputs is redone, like a forced one of other inputs.
            Clear(ownFiles);
        }

        Directory.CreateDirectory(Root);
        planned.Save(Manifest);
        long bytes;
        try
        {
            bytes = fit();
        }
        catch
        {
            // A fit that stopped (refused input, Ctrl+C) leaves nothing that looks like a run: these methods never
            // resume a partial fit, so its files would only be a stub with complete:false.
            Clear(ownFiles);
            throw;
        }
        bytes += new FileInfo(Manifest).Length;
        var done = planned with { Complete = true, Seconds = clock.Elapsed.TotalSeconds, BytesWritten = bytes };
        done.Save(Manifest);
        return new MethodRun(Root, planned.Method, Reused: false, clock.Elapsed.TotalSeconds, bytes);
    }

    private void Clear(IEnumerable<string> ownFiles)
    {
        foreach (var name in ownFiles)
        {
            var path = File(name);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else System.IO.File.Delete(path);
        }
        System.IO.File.Delete(Manifest);
    }

    /// <summary>The manifest of a finished run of <paramref name="method"/>, or a clear error.</summary>
    public MethodManifest LoadComplete(string method)
    {
        if (!System.IO.File.Exists(Manifest)) throw new FileNotFoundException($"{Root} is not a run folder (no manifest.json); run `winnow fit --method {method}` first.");
        var manifest = MethodManifest.Load(Manifest);
        if (manifest.Method != method) throw new InvalidDataException($"{Root} holds a {manifest.Method} run, not a {method} run.");
        if (!manifest.Complete) throw new InvalidDataException($"The {method} run in {Root} is not finished; run fit again.");
        return manifest;
    }

    /// <summary>The pool's hash, refusing a pool other than the fitted one: rows would not line up with what was fitted.</summary>
    public static string CheckPool(MethodManifest manifest, IReadOnlyList<string> pool)
    {
        string hash = ContentHash.OfPaths(pool);
        if (hash != manifest.PoolHash)
            throw new InvalidDataException($"The pool differs from the one the {manifest.Method} run was fitted on ({string.Join(", ", manifest.Pool)}); pass the same pool.");
        return hash;
    }

    /// <summary>Footer metadata every non-ToV score file carries (method, run fingerprint, pool hash).</summary>
    public static Dictionary<string, string> ScoreMetadata(MethodManifest manifest, string poolHash) => new()
    {
        [ScoreFile.MethodKey] = manifest.Method,
        [ScoreFile.FingerprintKey] = manifest.Fingerprint,
        [ScoreFile.PoolHashKey] = poolHash,
    };

    public static ReadOptions ReadOptionsFor(MethodManifest manifest) => RunReadOptions.For(manifest.Kind, manifest.LabelMap, manifest.Fields);

    /// <summary>Bytes under <paramref name="path"/> (a file or a folder).</summary>
    public static long SizeOf(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
        : System.IO.File.Exists(path) ? new FileInfo(path).Length : 0;
}
