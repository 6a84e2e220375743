using System.Globalization;
using System.Text.Json;
using TorchSharp;
using Winnow.Bench;

// Winnow's performance benchmark (issue #8, parts 1–2): the machine's fp32 matmul peak through libtorch at the
// model's shapes, and Winnow's forward throughput in evaluation and in ToV scoring, measured in the same run.
// Usage: dotnet run -c Release --project bench/Winnow.Bench -- [--threads 1,2] [--seconds 5] [--out bench/results]
// Second mode (issue #8, part 3), ToV vs LESS wall time and disk per pool size:
//   dotnet run -c Release --project bench/Winnow.Bench -- cost [--sizes 1000,10000] [--less-sizes 1000,10000] [--tov-sizes ...]
//     [--threads N] [--score-batch 32] [--tov key=value,...] [--less key=value,...] [--no-ablations] [--thread-ablation] [--keep] [--append] [--render-only] [--out bench/results]
var threads = Arg("--threads", $"1,{Environment.ProcessorCount}").Split(',').Select(int.Parse).Distinct().ToArray();
double seconds = double.Parse(Arg("--seconds", "5"), CultureInfo.InvariantCulture);
var outDir = Arg("--out", Path.Combine(Repo.Root, "bench", "results"));
if (args.Length > 0 && args[0] == "cost") return RunCost();
if (args.Length > 0 && args[0] == "encoder") return RunEncoder();
if (args.Length > 0 && args[0] == "rss")
{
    // Issue 15, part 4: one process per pool size (peak RSS is per process).
    var rss = RssBench.Run(int.Parse(Arg("--rows", "10000"), CultureInfo.InvariantCulture), int.Parse(Arg("--prefix", "4096"), CultureInfo.InvariantCulture),
        int.Parse(Arg("--threads", "1"), CultureInfo.InvariantCulture), Arg("--work", Path.Combine(Path.GetTempPath(), "winnow-rss")),
        "dotnet run -c Release --project bench/Winnow.Bench -- " + string.Join(' ', args));
    RssBench.Save(rss, Arg("--out", Path.Combine(Repo.Root, "bench", "results", $"perf-encoder-{DateTime.UtcNow:yyyy-MM-dd}")));
    return 0;
}


var results = new List<ThroughputResult>();
var peaks = new List<MatmulResult>();
var breakdowns = new List<BreakdownResult>();
using var models = new BenchModels();
foreach (int t in threads)
{
    torch.set_num_threads(t);
    Console.Error.WriteLine($"== {t} thread(s)");
    foreach (var family in models.Families)
    {
        var shapes = family.MatmulShapes();
        peaks.AddRange(shapes.Select(s => Matmul.Measure(s, t, seconds / 4)));
        results.Add(Throughput.Evaluation(family, t, seconds));
        breakdowns.Add(Breakdown.Measure(family, t, seconds));
        results.Add(Throughput.TovScoring(family, t, seconds));
        // Where ToV's fit time goes: a training step against the forward it contains, with ToV's random batches and bucketed.
        results.Add(Throughput.Training(family, t, seconds, bucketed: false));
        results.Add(Throughput.Training(family, t, seconds, bucketed: true));
    }
    peaks.Add(Matmul.Measure(new MatmulShape("square-1024", 1024, 1024, 1024), t, seconds / 4));
}

var report = new BenchReport(Machine.Describe(), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), Repo.Commit(), peaks, results) { Breakdown = breakdowns };
Directory.CreateDirectory(outDir);
var stem = Path.Combine(outDir, $"throughput-{DateTime.UtcNow:yyyy-MM-dd}-{Machine.ShortName()}");
File.WriteAllText(stem + ".json", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
File.WriteAllText(stem + ".md", report.ToMarkdown());
Console.WriteLine(report.ToMarkdown());
Console.Error.WriteLine($"Wrote {stem}.json and .md");
return 0;

int RunCost()
{
    var sizes = Ints(Arg("--sizes", "1000,10000"));
    var settings = new CostSettings
    {
        Sizes = sizes,
        LessSizes = Ints(Arg("--less-sizes", string.Join(',', sizes))),
        TovSizes = Arg("--tov-sizes", "") is { Length: > 0 } t ? Ints(t) : null,
        Threads = int.Parse(Arg("--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
        ScoreBatch = int.Parse(Arg("--score-batch", "32"), CultureInfo.InvariantCulture),
        TovSettings = Pairs(Arg("--tov", "")),
        LessSettings = Pairs(Arg("--less", "")),
        Ablations = !args.Contains("--no-ablations"),
        ThreadAblation = args.Contains("--thread-ablation"),
        Encoder = Arg("--encoder", "") is { Length: > 0 } e ? e : null,
    };
    var work = Path.Combine(Path.GetTempPath(), "winnow-cost-" + Guid.NewGuid().ToString("N")[..8]);
    Directory.CreateDirectory(work);
    try
    {
        Directory.CreateDirectory(outDir);
        var stem = Path.Combine(outDir, Arg("--name", $"cost-{DateTime.UtcNow:yyyy-MM-dd}-{Machine.ShortName()}"));
        // --append: add this run's sizes to the report already at the path (a larger size run later, same settings).
        if (args.Contains("--render-only"))
        {
            // Rewrites the Markdown from the JSON already there (after a change to the report's layout).
            var saved = JsonSerializer.Deserialize<CostReport>(File.ReadAllText(stem + ".json"))!;
            File.WriteAllText(stem + ".md", saved.ToMarkdown());
            Console.Error.WriteLine($"Wrote {stem}.md from {stem}.json");
            return 0;
        }
        var earlier = args.Contains("--append") && File.Exists(stem + ".json")
            ? JsonSerializer.Deserialize<CostReport>(File.ReadAllText(stem + ".json"))
            : null;
        void Save(CostReport r)
        {
            if (earlier is not null) r = CostReport.Merge(earlier, r);
            File.WriteAllText(stem + ".json", JsonSerializer.Serialize(r, new JsonSerializerOptions { WriteIndented = true }));
            File.WriteAllText(stem + ".md", r.ToMarkdown());
        }
        var report = new CostBench(settings, work).Run(Save);
        Save(report);
        Console.WriteLine(report.ToMarkdown());
        Console.Error.WriteLine($"Wrote {stem}.json and .md");
    }
    finally
    {
        if (!args.Contains("--keep")) Directory.Delete(work, recursive: true);
    }
    return 0;
}

int RunEncoder()
{
    var settings = new EncoderSettings
    {
        Threads = Ints(Arg("--threads", "1,2")),
        Seconds = double.Parse(Arg("--seconds", "8"), CultureInfo.InvariantCulture),
        Sentences = int.Parse(Arg("--sentences", "512"), CultureInfo.InvariantCulture),
        BatchSize = int.Parse(Arg("--batch", "32"), CultureInfo.InvariantCulture),
        Parts = Arg("--parts", "forward,breakdown,train").Split(',', StringSplitOptions.RemoveEmptyEntries),
        Engines = Arg("--engines", "") is { Length: > 0 } engines ? engines.Split(',') : null,
        BatchSets = Arg("--batches", "bucketed,padded").Split(',', StringSplitOptions.RemoveEmptyEntries),
    }.Validate();
    var dir = Arg("--out", Path.Combine(Repo.Root, "bench", "results", $"perf-encoder-{DateTime.UtcNow:yyyy-MM-dd}"));
    var work = Path.Combine(Path.GetTempPath(), "winnow-encoder-" + Guid.NewGuid().ToString("N")[..8]);
    Directory.CreateDirectory(work);
    try
    {
        var report = new EncoderBench(settings, work).Run("dotnet run -c Release --project bench/Winnow.Bench -- " + string.Join(' ', args), tuneAllocator: !args.Contains("--default-allocator"));
        Directory.CreateDirectory(dir);
        var stem = Path.Combine(dir, Arg("--name", $"encoder-{Machine.ShortName()}"));
        File.WriteAllText(stem + ".json", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(stem + ".md", report.ToMarkdown());
        Console.WriteLine(report.ToMarkdown());
        Console.Error.WriteLine($"Wrote {stem}.json and .md");
    }
    finally
    {
        Directory.Delete(work, recursive: true);
    }
    return 0;
}

static int[] Ints(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

static Dictionary<string, string> Pairs(string text) =>
    text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim());

string Arg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
