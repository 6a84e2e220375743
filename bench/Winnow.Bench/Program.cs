using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using Winnow.Bench;

// Winnow's performance benchmark (issue #8, parts 1–2): the machine's fp32 matmul peak through libtorch at the
// model's shapes, and Winnow's forward throughput in evaluation and in ToV scoring, measured in the same run.
// Usage: dotnet run -c Release --project bench/Winnow.Bench -- [--threads 1,2] [--seconds 5] [--out bench/results]
var threads = Arg("--threads", $"1,{Environment.ProcessorCount}").Split(',').Select(int.Parse).Distinct().ToArray();
double seconds = double.Parse(Arg("--seconds", "5"), CultureInfo.InvariantCulture);
var outDir = Arg("--out", Path.Combine(Repo.Root, "bench", "results"));

var results = new List<ThroughputResult>();
var peaks = new List<MatmulResult>();
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
        results.Add(Throughput.TovScoring(family, t, seconds));
    }
    peaks.Add(Matmul.Measure(new MatmulShape("square-1024", 1024, 1024, 1024), t, seconds / 4));
}

var report = new BenchReport(Machine.Describe(), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), Repo.Commit(), peaks, results);
Directory.CreateDirectory(outDir);
var stem = Path.Combine(outDir, $"throughput-{DateTime.UtcNow:yyyy-MM-dd}-{Machine.ShortName()}");
File.WriteAllText(stem + ".json", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
File.WriteAllText(stem + ".md", report.ToMarkdown());
Console.WriteLine(report.ToMarkdown());
Console.Error.WriteLine($"Wrote {stem}.json and .md");
return 0;

string Arg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
