using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using Winnow.Core.Data;
using Winnow.Methods;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Runtime;

namespace Winnow.Bench;

/// <summary>
/// Issue 15, part 4: ToV scoring streams (chunks of 2,048 rows, part files), so its resident memory should not depend on
/// the pool's size. One process per pool size (peak RSS is per process): fits (or reuses) a small ToV run on minilm-l6,
/// builds a pool of the requested size from the study pool, scores it and samples VmRSS/VmHWM after every chunk,
/// stopping after <c>--prefix</c> rows when the whole pool does not fit in the time.
/// </summary>
public static class RssBench
{
    public static RssReport Run(int poolRows, int prefixRows, int threads, string work, string command)
    {
        torch.set_num_threads(threads);
        TorchRuntime.KeepFreedMemory(); // as the CLI runs
        string loadBefore = CostBench.LoadAverage();
        Directory.CreateDirectory(work);
        var studyPool = Path.Combine(work, "study-pool");
        if (!Directory.Exists(studyPool)) StudyPool.Write(studyPool);
        string runDir = Path.Combine(work, "tov-run");
        var fitPool = Path.Combine(work, "fit-pool");
        if (!new Winnow.Core.Runs.RunFolder(runDir).HasManifest || !Directory.Exists(fitPool))
        {
            PoolBuilder.Build(2000, fitPool, studyPool);
            string cache = Environment.GetEnvironmentVariable("WINNOW_CACHE") is { Length: > 0 } c ? c
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "winnow");
            var model = Winnow.Torch.Modeling.Catalog.ModelCatalog.Resolve(EncoderBench.ModelName,
                new Winnow.Torch.Modeling.Catalog.ModelCatalogContext(Path.Combine(cache, "models"), StudyPool.SharedData));
            Log($"fitting a small ToV run (base_size 256, 1 epoch) on {model}");
            SelectionMethods.Get("tov").Fit(new MethodFitRequest([StudyPool.Target], [fitPool], runDir)
            {
                Model = model, Kind = TaskKind.Ner, LabelMap = StudyPool.LabelMap, Force = true,
                Settings = new Dictionary<string, string> { ["base_size"] = "256", ["epochs"] = "1" },
            }, new Progress<string>(Log));
        }
        var pool = Path.Combine(work, $"pool-{poolRows}");
        if (!Directory.Exists(pool) || Directory.GetFiles(pool).Length == 0) Build(poolRows, pool, Path.Combine(work, "pool-unit"), studyPool);
        long peakBefore = Status("VmHWM:");
        Log($"pool {poolRows:N0} rows; peak RSS before scoring {peakBefore / 1048576.0:F0} MiB; scoring up to {prefixRows:N0} rows");
        var samples = new List<RssSample>();
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        using var cancel = new CancellationTokenSource();
        bool complete = true;
        var progress = new SyncProgress<TovScoreProgress>(p =>
        {
            var sample = new RssSample(p.Rows, clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, Status("VmRSS:"), Status("VmHWM:"));
            samples.Add(sample);
            Log($"  {p.Rows:N0} rows: RSS {sample.RssBytes / 1048576.0:F0} MiB, peak {sample.PeakRssBytes / 1048576.0:F0} MiB, {sample.Seconds:F0}s ({sample.CpuSeconds:F0} CPU s)");
            if (p.Rows >= prefixRows) cancel.Cancel();
        });
        try
        {
            TovScorer.Score(new TovScoreRequest(runDir, [pool], Path.Combine(work, $"scores-{poolRows}.parquet")) { AllowOtherPool = true }, new Progress<string>(Log), progress, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            complete = false;
        }
        return new RssReport(Machine.Describe(), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), Repo.Commit(), command,
            loadBefore, CostBench.LoadAverage(), poolRows, prefixRows, threads, "ToV on minilm-l6: base_size 256, 1 epoch (2 adapter states), score batch 32, chunk 2048; pool = the 10,000-row study-pool cut copied whole to size (same first rows for every size)",
            peakBefore, samples, complete);
    }

    /// <summary>The unit pool (10,000 rows of the study pool) copied whole until <paramref name="rows"/>: copy k's files are named
    /// "copy{k:D4}-…" so the reader meets copy 0 first, and every pool's first 10,000 rows are the same rows in the same
    /// order. A prefix of any pool therefore scores identical batches, and only the pool's size differs.</summary>
    private static void Build(int rows, string dir, string unit, string studyPool)
    {
        const int unitRows = 10_000;
        if (rows % unitRows != 0) throw new ArgumentException($"--rows must be a multiple of {unitRows:N0}.");
        if (!Directory.Exists(unit) || Directory.GetFiles(unit).Length == 0) PoolBuilder.Build(unitRows, unit, studyPool);
        Directory.CreateDirectory(dir);
        for (int k = 0; k < rows / unitRows; k++)
            foreach (var file in Directory.GetFiles(unit))
                File.Copy(file, Path.Combine(dir, $"copy{k:D4}-{Path.GetFileName(file)}"), overwrite: true);
    }

    /// <summary>A /proc/self/status size line (kB) in bytes.</summary>
    private static long Status(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    public static void Save(RssReport report, string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, $"rss-{report.PoolRows}.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    }
}
