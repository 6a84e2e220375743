using System.Globalization;
using Winnow.Core.IO;

namespace Winnow.Torch.Methods.Less;

/// <summary>
/// Where a LESS run keeps its files beside its manifest (which only <see cref="Core.Runs.RunFolder"/> reads and writes):
/// <code>
/// RUN/manifest.json                 the run's manifest; LESS's state: η̄_i per checkpoint, P
/// RUN/warmup-set.txt                the warm-up set's keys, "source TAB id" per line
/// RUN/labels.json                   NER only: the label set the head was trained on
/// RUN/target-rows.tsv               the target feature rows in order: "source TAB id" (source = subtask)
/// RUN/checkpoints/I/adapter/        LoRA adapter (+ NER head) after warm-up epoch i
/// RUN/checkpoints/I/trainer/        optimizer.bin (Adam m, v per parameter) + trainer state after epoch i
/// RUN/checkpoints/I/target.f16      m × d fp16 little-endian: normalised projected plain gradients g_i(z)
/// RUN/checkpoints/I/pool.f16        N × d fp16: normalised projected Adam updates Γ_i(x), written by score,
///                                   one row per pool row in pool order (zeros where an example has no gradient)
/// </code>
/// </summary>
public sealed record LessRunLayout(string Root)
{
    /// <summary>What a run writes: what --force removes.</summary>
    public static IReadOnlyList<string> Files { get; } = [Core.Runs.RunFolder.ManifestFileName, "warmup-set.txt", "labels.json", "target-rows.tsv", "checkpoints"];

    public Core.Runs.RunFolder Folder => new(Root);
    public string WarmupSetFile => Path.Combine(Root, "warmup-set.txt");
    public string LabelsFile => Path.Combine(Root, "labels.json");
    public string TargetRowsFile => Path.Combine(Root, "target-rows.tsv");
    public string CheckpointsDirectory => Path.Combine(Root, "checkpoints");
    public string Checkpoint(int i) => Path.Combine(CheckpointsDirectory, i.ToString(CultureInfo.InvariantCulture));
    public string Adapter(int i) => Path.Combine(Checkpoint(i), "adapter");
    public string TrainerState(int i) => Path.Combine(Checkpoint(i), "trainer");
    public string OptimizerState(int i) => Path.Combine(TrainerState(i), Training.Trainer.OptimizerFileName);
    public string TargetFeatures(int i) => Path.Combine(Checkpoint(i), "target.f16");
    public string PoolFeatures(int i) => Path.Combine(Checkpoint(i), "pool.f16");

    /// <summary>A shard's own feature file, so shards sharing the run folder never append to one file.</summary>
    public string PoolFeatures(int i, Core.Sharding.Shard shard) =>
        shard.IsWhole ? PoolFeatures(i) : Path.Combine(Checkpoint(i), $"pool-{shard.Index:D4}-of-{shard.Count:D4}.f16");

    public void WriteKeys(string path, IEnumerable<(string Source, string Id)> keys) =>
        AtomicFile.WriteText(path, w =>
        {
            foreach (var (source, id) in keys) w.Write(source + "\t" + id + "\n");
        });

    public static List<(string Source, string Id)> ReadKeys(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l =>
        {
            int tab = l.IndexOf('\t');
            return tab < 0 ? throw new InvalidDataException($"{path}: line without a tab") : (l[..tab], l[(tab + 1)..]);
        }).ToList();
}
