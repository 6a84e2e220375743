using Winnow.Core.Data;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Tasks;

namespace Winnow.Bench;

/// <summary>
/// The pool of the ner-music-large study (experiments/encoders/ner-music-large-minilm.yaml): the same sources, each cut
/// to the study's row count, written as one file per source so that the reader and the label map treat them as the
/// study does. Real sentences with the studies' length mix, for the encoder benchmark.
/// </summary>
public static class StudyPool
{
    public static string SharedData { get; } = Path.GetFullPath(Path.Combine(Repo.Root, "..", "shared", "data", "ner"));

    public static string LabelMap { get; } = Path.Combine(Repo.Root, "experiments", "label-maps", "per-org-loc-misc.txt");

    /// <summary>The study's target (CrossNER music dev), for ToV/LESS fits.</summary>
    public static string Target { get; } = Path.Combine(SharedData, "crossner", "music", "dev.txt");

    // (name, path under shared/data/ner, rows); null rows: the whole source, as the study takes it.
    private static readonly (string Name, string Path, int? Rows)[] Sources =
    [
        ("crossner-music-train", "crossner/music/train.txt", 60),
        ("crossner-politics-train", "crossner/politics/train.txt", 200),
        ("crossner-science-train", "crossner/science/train.txt", 200),
        ("crossner-literature-train", "crossner/literature/train.txt", 100),
        ("crossner-ai-train", "crossner/ai/train.txt", 100),
        ("wikiann-en-train", "wikiann-en/train", 4000),
        ("wnut17-train", "wnut17/train.conll", 2000),
        ("btc-b", "btc/b.conll", 2000),
        ("wikigold", "wikigold/wikigold.conll", 1200),
        ("sec-filings-train", "sec-filings/train/FIN5.txt", null),
    ];

    /// <summary>Writes the study pool into <paramref name="dir"/> (about 11,000 rows) and returns the folder.</summary>
    public static string Write(string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        foreach (var (name, path, rows) in Sources)
        {
            var source = Path.Combine(SharedData, path);
            if (!File.Exists(source)) throw new FileNotFoundException($"{source} is missing: the encoder benchmark reads the studies' NER data from ../shared/data/ner.", source);
            var blocks = PoolBuilder.Blocks(source);
            using var writer = new StreamWriter(Path.Combine(dir, name + Path.GetExtension(source)));
            foreach (var block in rows is { } n ? blocks.Take(n) : blocks)
            {
                writer.Write(block);
                writer.Write("\n\n");
            }
        }
        return dir;
    }

    public static ReadOptions ReadOptions => TovFitter.ReadOptionsFor(TaskKind.Ner, LabelMap);

    /// <summary><paramref name="count"/> examples drawn without replacement (fixed seed) from the pool in <paramref name="dir"/>.</summary>
    public static List<Example> Sample(string dir, int count, int seed = 0)
    {
        var all = DatasetReader.Read([dir], ReadOptions).ToList();
        var random = new Random(seed);
        return all.OrderBy(_ => random.Next()).Take(count).ToList();
    }

    /// <summary>The label set of the study's target under the label map (what a ToV run over this pool trains its head on).</summary>
    public static LabelSet Labels() =>
        LabelSet.FromExamples(DatasetReader.Read([Target], ReadOptions).OfType<NerExample>());
}
