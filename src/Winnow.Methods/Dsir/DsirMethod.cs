using System.Diagnostics;
using System.Globalization;
using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Methods.Common;

namespace Winnow.Methods.Dsir;

/// <summary>
/// DSIR-style importance weights (docs/methods.md, "DSIR"), no model needed. Fit builds two add-one
/// smoothed bag-of-hashed-n-gram models, one over the target and one over the whole pool stream, and stores their
/// per-bucket log ratio; score gives each pool example log w(x) = Σ_buckets count_x · (log p_target − log p_pool).
/// The default strategy is importance resampling without replacement: Gumbel top-k on log w
/// (<see cref="SelectionStrategy.SampleLog"/>), not the deterministic top.
/// <para>
/// Setting <c>normalize</c>: <c>length</c> (default) divides log w by the example's n-gram count; <c>none</c> keeps
/// the textbook sum. Why the default deviates: DSIR was made for chunks of similar length and pools far larger than
/// the hash space. Here examples range from 2 to 60+ words and the pool model contains each scored example itself,
/// so most n-grams carry a negative log ratio (the small target's model is mostly smoothing) and the sum ranks by
/// shortness: on samples/ner (music target, 545-row pool, 50 music rows) the top 50 by the sum held 10% music,
/// by the per-n-gram mean 66%. With the mean, Gumbel top-k samples ∝ w^(1/n): a per-n-gram tempered weight.
/// </para>
/// </summary>
public sealed class DsirMethod : ISelectionMethod
{
    public const string RatioFile = "log-ratio.bin";

    public string Name => "dsir";
    public bool NeedsModel => false;
    public SelectionStrategy DefaultStrategy => SelectionStrategy.SampleLog;

    /// <summary>The n-gram models and weights do not depend on the seed (only selection's sampling does).</summary>
    public bool SeedFree => true;

    public IReadOnlyList<string> RunFiles { get; } = [Core.Runs.RunFolder.ManifestFileName, RatioFile];

    public MethodRun Fit(MethodFitRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        MethodRequests.RequirePool(request);
        MethodRequests.RequireTarget(request, Name);
        var settings = new MethodSettings(Name, request.Settings);
        int bits = settings.Int("hash_bits", 16)!.Value;
        bool perNgram = settings.Text("normalize", ParseNormalize, true);
        settings.RejectUnknown();
        var features = new HashedNgrams(bits);
        var planned = RunPlans.ForSettings(Name, request, new Dictionary<string, string>
        {
            ["hash_bits"] = bits.ToString(CultureInfo.InvariantCulture),
            ["normalize"] = perNgram ? "length" : "none",
        });
        var folder = new Core.Runs.RunFolder(request.RunDirectory);
        return MethodRun.Of(folder.Root, folder.FitOnce(planned, request.Force, RunFiles, () =>
        {
            var read = RunPlans.ReadOptionsFor(planned);
            var target = CountAll(features, DatasetReader.Read(request.Target, read), cancellationToken, out int targetCount);
            var pool = CountAll(features, DatasetReader.Read(request.Pool, read), cancellationToken, out int poolCount);
            if (targetCount == 0) throw new ArgumentException("The target has no examples.");
            if (poolCount == 0) throw new ArgumentException("The pool has no examples.");
            progress?.Report($"dsir: n-gram models over {targetCount} target and {poolCount} pool examples ({features.Buckets} buckets)");
            var logTarget = HashedNgrams.LogProbabilities(target);
            var logPool = HashedNgrams.LogProbabilities(pool);
            WriteRatio(folder.File(RatioFile), logTarget.Zip(logPool, (t, p) => t - p).ToArray());
            return new FileInfo(folder.File(RatioFile)).Length;
        }, progress));
    }

    public MethodScoreResult Score(MethodScoreRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        new MethodSettings(Name, request.Settings).RejectUnknown();
        var clock = Stopwatch.StartNew();
        var folder = new Core.Runs.RunFolder(request.RunDirectory);
        var manifest = folder.ReadComplete(Name);
        string poolHash = Core.Runs.RunFolder.CheckPool(manifest, request.Pool);
        var features = new HashedNgrams(int.Parse(RunPlans.SettingsOf(manifest)["hash_bits"], CultureInfo.InvariantCulture));
        var ratio = ReadRatio(folder.File(RatioFile), features.Buckets);
        bool perNgram = ParseNormalize(RunPlans.SettingsOf(manifest)["normalize"]);
        var pool = DatasetReader.Read(request.Pool, RunPlans.ReadOptionsFor(manifest));
        var result = ChunkedScoreWriter.Write(MethodScoring.Job(request, Name, manifest.Fingerprint, poolHash), pool,
            chunk => chunk.Select(item =>
            {
                string text = ExampleText.Of(item.Example);
                return new ScoreRow
                {
                    Row = item.Row, Id = item.Example.Id, Source = item.Example.Source, Length = ExampleText.Words(text).Count,
                    Score = LogWeight(features, ratio, text, perNgram),
                };
            }).ToArray(),
            RunPlans.ScoreMetadata(manifest, poolHash), cancellationToken: cancellationToken);
        int written = checked((int)result.Rows);
        progress?.Report($"dsir: scored {written} pool examples in {clock.Elapsed.TotalSeconds:F1}s");
        return new MethodScoreResult(request.OutputPath, written, written, clock.Elapsed.TotalSeconds, new FileInfo(request.OutputPath).Length);
    }

    /// <summary>
    /// log w(x) = Σ count · (log p_target − log p_pool) over x's hashed n-grams, divided by the n-gram count when
    /// <paramref name="perNgram"/>; a text without words has log w = 0 (no evidence), or NaN per n-gram (never drawn).
    /// </summary>
    public static double LogWeight(HashedNgrams features, double[] logRatio, string text, bool perNgram = false)
    {
        var counts = features.Count(text);
        double sum = counts.Sum(kv => kv.Value * logRatio[kv.Key]);
        if (!perNgram) return sum;
        int n = counts.Values.Sum();
        return n == 0 ? double.NaN : sum / n;
    }

    private static bool ParseNormalize(string value) => value.Trim().ToLowerInvariant() switch
    {
        "length" or "mean" => true,
        "none" or "sum" => false,
        _ => throw new ArgumentException($"Setting normalize={value} for method dsir: expected length or none."),
    };

    private static double[] CountAll(HashedNgrams features, IEnumerable<Example> examples, CancellationToken cancellationToken, out int count)
    {
        var model = new double[features.Buckets];
        count = 0;
        foreach (var example in examples)
        {
            if (++count % 4096 == 0) cancellationToken.ThrowIfCancellationRequested();
            features.Accumulate(model, ExampleText.Of(example));
        }
        return model;
    }

    private static void WriteRatio(string path, double[] ratio) =>
        Core.IO.AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            foreach (var value in ratio) writer.Write(value);
        });

    private static double[] ReadRatio(string path, int buckets)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != buckets * sizeof(double))
            throw new InvalidDataException($"{path} holds {bytes.Length} bytes; expected {buckets} doubles for the run's hash_bits.");
        var ratio = new double[buckets];
        Buffer.BlockCopy(bytes, 0, ratio, 0, bytes.Length);
        return ratio;
    }
}
