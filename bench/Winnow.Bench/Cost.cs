using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TorchSharp;
using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Less;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Pretraining;
using Winnow.Torch.Tasks;
using static TorchSharp.torch;

using Winnow.Torch.Methods.Common;
using Winnow.Torch.Modeling;

namespace Winnow.Bench;

/// <summary>Settings of one cost run (issue #8, part 3): which pool sizes, which method settings, where results go.</summary>
public sealed record CostSettings
{
    public IReadOnlyList<int> Sizes { get; init; } = [1000, 10000];

    /// <summary>Pool sizes LESS runs at (a subset of <see cref="Sizes"/>; LESS at its defaults is slow on 2 cores).</summary>
    public IReadOnlyList<int> LessSizes { get; init; } = [1000, 10000];

    /// <summary>Pool sizes ToV runs at (all of <see cref="Sizes"/> unless narrowed, e.g. to add one method's run with --append).</summary>
    public IReadOnlyList<int>? TovSizes { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int ScoreBatch { get; init; } = 32;
    public IReadOnlyDictionary<string, string> TovSettings { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> LessSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether to run the before/after ablations (score batch 64, 1 thread, projection batch) at the smallest size.</summary>
    public bool Ablations { get; init; } = true;

    /// <summary>Also re-score on 1 thread (meaningless while other processes load the machine, so off unless asked).</summary>
    public bool ThreadAblation { get; init; }
    public int PretrainSteps { get; init; } = 200;

    /// <summary>
    /// "minilm-l6": the real encoder on the ner-music-large study's pool, target (CrossNER music dev) and label map
    /// (issue 15); null: the tiny BERT pre-trained here on the sample pool (issue 8).
    /// </summary>
    public string? Encoder { get; init; }

    public int Seed { get; init; }
}

/// <summary>One method at one pool size: seconds and bytes per stage, as measured here and as the method reports them.</summary>
public sealed record CostResult(
    string Method, int PoolSize, double FitSeconds, double ScoreSeconds, long FitBytes, long ScoreBytes,
    long ReportedFitBytes, long ReportedScoreBytes, int Scored, IReadOnlyDictionary<string, string> Settings,
    double FitCpuSeconds, double ScoreCpuSeconds, string LoadAverage)
{
    public double TotalSeconds => FitSeconds + ScoreSeconds;
    public long TotalBytes => FitBytes + ScoreBytes;
}

/// <summary>A before/after of one bench-side setting.</summary>
public sealed record Ablation(string Name, string Before, string After, double BeforeSeconds, double AfterSeconds, string Note);

/// <summary>Padding share of ToV scoring batches as the scorer forms them (LengthBucketer per 2048-example chunk, no shuffle).</summary>
public sealed record PaddingResult(int PoolSize, int BatchSize, double PaddingFraction, double MeanLength);

public sealed record CostReport(
    string Machine, string Date, string Commit, string BaseModel, long BaseParameters, CostSettings Settings,
    IReadOnlyList<CostResult> Results, IReadOnlyList<PaddingResult> Padding, IReadOnlyList<Ablation> Ablations)
{
    /// <summary>An earlier report plus a later run's sizes (its machine line and date are kept, the later commit noted).</summary>
    public static CostReport Merge(CostReport earlier, CostReport later) => earlier with
    {
        Commit = earlier.Commit == later.Commit ? earlier.Commit : $"{earlier.Commit} + {later.Commit}",
        Settings = earlier.Settings with
        {
            Sizes = earlier.Settings.Sizes.Union(later.Settings.Sizes).ToArray(),
            LessSizes = earlier.Settings.LessSizes.Union(later.Settings.LessSizes).ToArray(),
        },
        Results = [.. earlier.Results, .. later.Results],
        Padding = [.. earlier.Padding, .. later.Padding],
        Ablations = [.. earlier.Ablations, .. later.Ablations],
    };

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# ToV vs LESS cost — {Date}, commit {Commit}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}; {Settings.Threads} libtorch thread(s); score batch {Settings.ScoreBatch}.");
        sb.AppendLine(Settings.Encoder is null
            ? $"Base model: {BaseModel} ({BaseParameters:N0} parameters). Target: samples/ner/target; pools: samples/ner/pool sentences repeated to size (new ids), label map samples/ner/label-map.txt."
            : $"Base model: {BaseModel} ({BaseParameters:N0} parameters). Target: shared/data/ner/crossner/music/dev.txt; pools: the ner-music-large study pool (its 10 sources and row counts, ~11k rows) cut or repeated to size with each source keeping its share (new ids), label map experiments/label-maps/per-org-loc-misc.txt.");
        sb.AppendLine("Method settings: per row, in the last column of the per-stage table (runs appended with --append may differ).");
        sb.AppendLine();
        sb.AppendLine("Bytes = everything under the run folder after fit and score (LESS stores pool features there at score time) plus the score file.");
        sb.AppendLine();
        sb.AppendLine("| method | pool size | fit s | score s | total s | bytes | time ratio LESS/ToV | disk ratio LESS/ToV |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in Results.OrderBy(r => r.PoolSize).ThenBy(r => r.Method, StringComparer.Ordinal))
        {
            var less = Results.FirstOrDefault(x => x.Method == "less" && x.PoolSize == r.PoolSize);
            var tov = Results.FirstOrDefault(x => x.Method == "tov" && x.PoolSize == r.PoolSize);
            string ratios = r.Method == "tov" && less is not null && tov is not null
                ? $"{less.TotalSeconds / tov.TotalSeconds:F2}× | {(double)less.TotalBytes / tov.TotalBytes:F1}×"
                : "— | —";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Method} | {r.PoolSize:N0} | {r.FitSeconds:F1} | {r.ScoreSeconds:F1} | {r.TotalSeconds:F1} | {Bytes(r.TotalBytes)} | {ratios} |");
        }
        sb.AppendLine();
        sb.AppendLine("Per stage bytes (measured / reported by the method's BytesWritten), process CPU seconds (less sensitive than wall time to other load on the shared machine) and the load average when the stage ended:");
        sb.AppendLine();
        sb.AppendLine("| method | pool size | fit bytes | score bytes | reported fit | reported score | scored rows | fit CPU s | score CPU s | load avg after | settings |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in Results.OrderBy(r => r.PoolSize).ThenBy(r => r.Method, StringComparer.Ordinal))
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Method} | {r.PoolSize:N0} | {r.FitBytes:N0} | {r.ScoreBytes:N0} | {r.ReportedFitBytes:N0} | {r.ReportedScoreBytes:N0} | {r.Scored:N0} | {r.FitCpuSeconds:F1} | {r.ScoreCpuSeconds:F1} | {r.LoadAverage} | {Describe(r.Settings)} |");
        sb.AppendLine();
        sb.AppendLine("ToV scoring batches (LengthBucketer, as the scorer forms them):");
        sb.AppendLine();
        sb.AppendLine("| pool size | batch | padding | mean length (tokens) |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var p in Padding) sb.AppendLine(CultureInfo.InvariantCulture, $"| {p.PoolSize:N0} | {p.BatchSize} | {p.PaddingFraction:P1} | {p.MeanLength:F1} |");
        if (Ablations.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Before/after of bench-side settings:");
            sb.AppendLine();
            sb.AppendLine("| what | before | after | before s | after s | note |");
            sb.AppendLine("|---|---|---|---|---|---|");
            foreach (var a in Ablations)
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {a.Name} | {a.Before} | {a.After} | {a.BeforeSeconds:F2} | {a.AfterSeconds:F2} | {a.Note} |");
        }
        return sb.ToString();
    }

    private static string Describe(IReadOnlyDictionary<string, string> settings) =>
        settings.Count == 0 ? "defaults" : "defaults except " + string.Join(", ", settings.Select(kv => $"{kv.Key}={kv.Value}"));

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes} B",
    };
}

/// <summary>
/// ToV vs LESS on the same NER pool, base model and target: wall time and disk of fit and score per pool size, the
/// padding of ToV's scoring batches, and before/after of the settings that matter.
/// </summary>
public sealed class CostBench(CostSettings settings, string workRoot)
{
    private readonly string Target = settings.Encoder is null ? Path.Combine(Repo.Root, "samples", "ner", "target") : StudyPool.Target;
    private readonly string LabelMap = settings.Encoder is null ? Path.Combine(Repo.Root, "samples", "ner", "label-map.txt") : StudyPool.LabelMap;
    private readonly string SourcePool = settings.Encoder is null ? Path.Combine(Repo.Root, "samples", "ner", "pool") : StudyPool.Write(Path.Combine(workRoot, "study-pool"));

    /// <summary>Runs every size; <paramref name="partial"/> gets the report so far after each stage, so a long run killed late still leaves results.</summary>
    public CostReport Run(Action<CostReport>? partial = null)
    {
        torch.set_num_threads(settings.Threads);
        // As the CLI runs (issue 15): freed tensor memory is kept for the next batch.
        if (settings.Encoder is not null) Winnow.Torch.Runtime.TorchRuntime.KeepFreedMemory();
        var model = BaseModel();
        var results = new List<CostResult>();
        var padding = new List<PaddingResult>();
        var ablations = new List<Ablation>();
        CostReport Report() => new(Machine.Describe(), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), Repo.Commit(),
            settings.Encoder ?? $"ner tiny (BERT), pre-trained {settings.PretrainSteps} steps on samples/ner/pool", model.Parameters, settings, results, padding, ablations);
        foreach (int size in settings.Sizes)
        {
            var pool = PoolBuilder.Build(size, Path.Combine(workRoot, $"pool-{size}"), SourcePool);
            if (settings.TovSizes is null || settings.TovSizes.Contains(size))
            {
                var tov = FitAndScore("tov", size, model.Directory, pool, settings.TovSettings, out var tovRun);
                results.Add(tov);
                partial?.Invoke(Report());
                padding.AddRange(Padding(model.Directory, pool, tovRun, size));
                if (settings.Ablations && size == settings.Sizes.Min()) ablations.AddRange(TovAblations(tovRun, pool, tov.ScoreSeconds));
            }
            if (settings.LessSizes.Contains(size))
            {
                results.Add(FitAndScore("less", size, model.Directory, pool, settings.LessSettings, out var lessRun));
                if (settings.Ablations && size == settings.Sizes.Min()) ablations.Add(ProjectionBatchAblation(lessRun));
                partial?.Invoke(Report());
            }
            partial?.Invoke(Report());
        }
        return Report();
    }

    /// <summary>The shared base model: pre-trained (cached) on the sample pool's text; speed does not depend on how well.</summary>
    private (string Directory, long Parameters) BaseModel()
    {
        if (settings.Encoder is { } name)
        {
            string root = Environment.GetEnvironmentVariable("WINNOW_CACHE") is { Length: > 0 } c ? c
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "winnow");
            var dir = Winnow.Torch.Modeling.Catalog.ModelCatalog.Resolve(name, new Winnow.Torch.Modeling.Catalog.ModelCatalogContext(Path.Combine(root, "models"), StudyPool.SharedData));
            using var loaded = Winnow.Torch.Modeling.ModelCheckpoint.Load(dir, out _);
            Log($"base model {dir}");
            return (dir, loaded.ParameterCount(trainableOnly: false));
        }
        return Pretrained();
    }

    private (string Directory, long Parameters) Pretrained()
    {
        string cache = Environment.GetEnvironmentVariable("WINNOW_CACHE") is { Length: > 0 } c ? c : Path.Combine(Path.GetTempPath(), "winnow-bench-cache");
        var report = Pretrainer.Run([SourcePool], cache,
            new PretrainOptions { Family = PretrainFamily.Ner, Preset = "tiny", Steps = settings.PretrainSteps, Seed = settings.Seed },
            new Progress<string>(m => Log("pretrain: " + m)));
        Log($"base model {report.Directory} ({report.Parameters:N0} parameters, {(report.FromCache ? "cached" : $"built in {report.Seconds:F0}s")})");
        return (report.Directory, report.Parameters);
    }

    private CostResult FitAndScore(string name, int size, string model, string pool, IReadOnlyDictionary<string, string> methodSettings, out string runDir)
    {
        var method = SelectionMethods.Get(name);
        runDir = Path.Combine(workRoot, $"{name}-{size}");
        var scoreFile = Path.Combine(workRoot, $"{name}-{size}.scores.parquet");
        Log($"== {name}, pool {size:N0}: fit");
        var log = new SyncProgress(m => Log($"  {name}: {m}"));
        var request = new MethodFitRequest([Target], [pool], runDir)
        {
            Model = model, Kind = TaskKind.Ner, LabelMap = LabelMap, Seed = settings.Seed, Force = true, Settings = methodSettings,
        };
        // The one pipeline every caller runs (MethodPipeline); the bench only measures its stages. A score file left by an
        // earlier bench run would be reused as current, and the score stage would go unmeasured.
        File.Delete(scoreFile);
        var stages = new StageMeter($"{name}, pool {size:N0}", runDir, scoreFile);
        var done = MethodPipeline.FitAndScore(method, request, scoreFile, settings.ScoreBatch, log, observer: stages);
        var scored = done.Scores ?? throw new InvalidOperationException($"{name}: the score stage did not run");
        return new CostResult(name, size, stages.FitSeconds, stages.ScoreSeconds, stages.FitBytes, stages.ScoreBytes, done.Run.BytesWritten, scored.BytesWritten,
            scored.Scored, methodSettings, stages.FitCpuSeconds, stages.ScoreCpuSeconds, LoadAverage());
    }

    /// <summary>
    /// Per pipeline stage: wall time, process CPU time, and the bytes it left on disk (the fit: everything under the run
    /// folder; the score: what the run folder grew by, LESS's pool features, plus the score file).
    /// </summary>
    private sealed class StageMeter(string label, string runDir, string scoreFile) : IPipelineObserver
    {
        private readonly Stopwatch _clock = new();
        private TimeSpan _cpu;

        public double FitSeconds { get; private set; }
        public double ScoreSeconds { get; private set; }
        public double FitCpuSeconds { get; private set; }
        public double ScoreCpuSeconds { get; private set; }
        public long FitBytes { get; private set; }
        public long ScoreBytes { get; private set; }

        public void Starting(PipelineStage stage)
        {
            _clock.Restart();
            _cpu = Process.GetCurrentProcess().TotalProcessorTime;
        }

        public void Finished(PipelineStage stage)
        {
            double seconds = _clock.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalSeconds;
            if (stage == PipelineStage.Fit)
            {
                (FitSeconds, FitCpuSeconds, FitBytes) = (seconds, cpu, DirectoryBytes(runDir));
                Log($"== {label}: fit {seconds:F1}s, {CostReport.Bytes(FitBytes)}; score");
            }
            else
            {
                (ScoreSeconds, ScoreCpuSeconds, ScoreBytes) = (seconds, cpu, DirectoryBytes(runDir) - FitBytes + new FileInfo(scoreFile).Length);
                Log($"== {label}: score {seconds:F1}s, {CostReport.Bytes(ScoreBytes)}");
            }
        }
    }

    /// <summary>Score batch 64 instead of 32, and 1 thread instead of the run's count, on the same finished ToV run.</summary>
    private IEnumerable<Ablation> TovAblations(string runDir, string pool, double baselineSeconds)
    {
        var method = SelectionMethods.Get("tov");
        double Time(int batch, string file)
        {
            var clock = Stopwatch.StartNew();
            method.Score(new MethodScoreRequest(runDir, [pool], Path.Combine(workRoot, file)) { BatchSize = batch });
            return clock.Elapsed.TotalSeconds;
        }
        int other = settings.ScoreBatch == 32 ? 64 : 32;
        Log($"ablation: ToV score batch {settings.ScoreBatch} again (warm) and {other}");
        double warm = Time(settings.ScoreBatch, "ablation-warm.parquet");
        double batchSeconds = Time(other, $"ablation-batch{other}.parquet");
        Log($"  batch {settings.ScoreBatch}: {warm:F1}s (first, cold: {baselineSeconds:F1}s); batch {other}: {batchSeconds:F1}s");
        yield return new Ablation("ToV score batch size", settings.ScoreBatch.ToString(CultureInfo.InvariantCulture), other.ToString(CultureInfo.InvariantCulture),
            warm, batchSeconds, $"{settings.Threads} thread(s); the run's first (cold) score took {baselineSeconds:F1}s");
        double baseline = warm;
        if (settings.ThreadAblation && settings.Threads > 1)
        {
            Log("ablation: ToV score on 1 thread");
            torch.set_num_threads(1);
            double oneThread = Time(settings.ScoreBatch, "ablation-1thread.parquet");
            torch.set_num_threads(settings.Threads);
            Log($"  1 thread: {oneThread:F1}s");
            yield return new Ablation("ToV score threads", settings.Threads.ToString(CultureInfo.InvariantCulture), "1", baseline, oneThread,
                $"batch {settings.ScoreBatch}");
        }
    }

    /// <summary>
    /// LESS's projection regenerates the P×d Rademacher matrix once per <c>projection_batch</c> gradients (16 by
    /// default). Time projecting 256 random gradients of the run's P at batch 16 and at 256.
    /// </summary>
    private Ablation ProjectionBatchAblation(string lessRun)
    {
        // The run's manifest through the run store (which also reads folders of earlier versions); P is LESS's state.
        var manifest = new RunFolder(lessRun).ReadOf("less", "LESS");
        long p = manifest.State!.Value.GetProperty("gradient_size").GetInt64();
        var options = manifest.Options!.Value;
        int d = options.GetProperty("projection_dim").GetInt32();
        int blockRows = options.GetProperty("projection_block_rows").GetInt32();
        int batch = options.GetProperty("projection_batch").GetInt32();
        var projector = new RademacherProjector(p, d, 0, blockRows);
        const int small = 16, large = 512;
        using var scope = NewDisposeScope();
        var gradients = randn(large, p);
        // Per gradient: two batches at 16 (the default) against one at 512; both project rows of the same matrix.
        double PerGradient(int b, int n)
        {
            var clock = Stopwatch.StartNew();
            for (int start = 0; start < n; start += b)
                using (NewDisposeScope()) projector.ProjectNormalized(gradients.narrow(0, start, Math.Min(b, n - start)));
            return clock.Elapsed.TotalSeconds / n;
        }
        Log($"ablation: projecting gradients of P={p:N0} to d={d} at batch {small} and {large} (the run used {batch})");
        double before = PerGradient(small, 2 * small), after = PerGradient(large, large);
        var note = $"P={p:N0}, d={d}: {before * 1000:F1} vs {after * 1000:F1} ms per gradient per checkpoint (seconds columns: per gradient)";
        Log("  " + note);
        return new Ablation("LESS projection_batch (Rademacher blocks regenerated per batch)", small.ToString(CultureInfo.InvariantCulture), large.ToString(CultureInfo.InvariantCulture), before, after, note);
    }

    /// <summary>Padding of ToV's scoring batches: examples outside U, encoded, bucketed per 2048-example chunk.</summary>
    private IEnumerable<PaddingResult> Padding(string model, string pool, string tovRun, int size)
    {
        var baseSet = new TovRunLayout(tovRun).ReadBaseSet();
        var readOptions = TovFitter.ReadOptionsFor(TaskKind.Ner, LabelMap);
        var examples = DatasetReader.Read([pool], readOptions).ToList();
        var labels = LabelSet.FromExamples(DatasetReader.Read([Target], readOptions).OfType<NerExample>());
        using var task = TaskModel.Load(model, TaskKind.Ner, labels, new TaskModelOptions { MaxLength = 256 });
        foreach (int batch in new[] { 16, 32, 64 })
        {
            long cells = 0, real = 0, count = 0;
            var bucketer = new LengthBucketer(new BucketingOptions { BatchSize = batch, Shuffle = false });
            foreach (var chunk in examples.Chunk(2048))
            {
                var lengths = chunk.Where(e => !baseSet.Contains(PoolExamples.Key(e.Source, e.Id)))
                    .Select(e => task.Encode(e).Example).Where(e => e is { PredictedCount: > 0 }).Select(e => e!.Length).ToArray();
                foreach (var b in bucketer.Batches(lengths))
                {
                    cells += (long)b.Length * b.Max(i => lengths[i]);
                    real += b.Sum(i => (long)lengths[i]);
                }
                count += lengths.Length;
            }
            var result = new PaddingResult(size, batch, 1 - (double)real / Math.Max(1, cells), (double)real / Math.Max(1, count));
            Log($"padding, pool {size:N0}, batch {batch}: {result.PaddingFraction:P1} (mean length {result.MeanLength:F1})");
            yield return result;
        }
    }

    /// <summary>The 1/5/15-minute load average: the machine is shared, so other processes' load is recorded with each result.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static long DirectoryBytes(string dir) =>
        Directory.Exists(dir) ? new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, which reorders lines).</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}

/// <summary>Builds a pool of the requested size from the sample pool's sentences, repeated cyclically under the same file names (so the label map's sections still apply) with new ids.</summary>
public static class PoolBuilder
{
    public static string Build(int size, string dir, string source)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        var files = Directory.GetFiles(source).Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Blocks: Blocks(f))).Where(f => f.Blocks.Count > 0).ToArray();
        int total = files.Sum(f => f.Blocks.Count);
        int written = 0;
        for (int i = 0; i < files.Length; i++)
        {
            // Each file keeps its share of the sample pool; the last takes the rounding remainder.
            int count = i == files.Length - 1 ? size - written : (int)Math.Round((double)size * files[i].Blocks.Count / total);
            using var writer = new StreamWriter(Path.Combine(dir, files[i].Name));
            for (int k = 0; k < count; k++)
            {
                writer.Write(files[i].Blocks[k % files[i].Blocks.Count]);
                writer.Write("\n\n");
            }
            written += count;
        }
        return dir;
    }

    public static List<string> Blocks(string file)
    {
        var blocks = new List<string>();
        var current = new List<string>();
        foreach (var line in File.ReadLines(file))
        {
            if (line.Trim().Length == 0 || line.StartsWith("-DOCSTART-", StringComparison.Ordinal))
            {
                if (current.Count > 0) blocks.Add(string.Join('\n', current));
                current.Clear();
            }
            else current.Add(line);
        }
        if (current.Count > 0) blocks.Add(string.Join('\n', current));
        return blocks;
    }
}
