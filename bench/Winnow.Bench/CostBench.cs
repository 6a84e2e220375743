using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Methods;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Less;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Pretraining;
using Winnow.Torch.Tasks;
using static TorchSharp.torch;

using Winnow.Torch.Methods.Common;
using Winnow.Torch.Modeling;

namespace Winnow.Bench;

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
