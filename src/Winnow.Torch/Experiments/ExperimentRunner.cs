using System.Diagnostics;
using System.Globalization;
using Winnow.Experiments;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Progress;
using Winnow.Core.Runs;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Core.Statistics;
using Winnow.Methods;
using Winnow.Torch.FineTuning;
using Winnow.Torch.Methods;
using Winnow.Torch.Modeling.Catalog;
using Winnow.Torch.Pretraining;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;

namespace Winnow.Torch.Experiments;

/// <summary>
/// Runs a study cell by cell (method × budget × seed). Each finished cell is written atomically to
/// <c>cells/&lt;key&gt;.json</c> and never recomputed; each method's fit+score is an artifact in <c>artifacts/</c>,
/// done once per seed (the seed is the fit seed) and reused across budgets — once in all for DSIR, whose fit and
/// score do not depend on a seed. An artifact without its <c>cost.json</c> was interrupted and is redone from
/// scratch, so the recorded time and disk are those of one uninterrupted fit+score.
/// </summary>
public sealed class ExperimentRunner(ExperimentConfig config, ExperimentRunOptions options, IProgress<string>? log = null)
{
    /// <summary>Raised after each cell is recorded (tests cancel from here).</summary>
    public event Action<CellResult>? CellFinished;

    private string Results => options.ResultsDirectory;
    private string PoolDirectory => Path.Combine(Results, "data", "pool");
    private string TargetDirectory => Path.Combine(Results, "data", "target");
    private string TestDirectory => Path.Combine(Results, "data", "test");
    private string ValidationDirectory => Path.Combine(Results, "data", "validation");

    public ExperimentRunSummary Run(CancellationToken cancellationToken = default)
    {
        CheckOnly();
        CheckSeeds();
        CheckRandomShares();
        Directory.CreateDirectory(Results);
        // One study process per results folder: a second one is refused at once, naming the first.
        using var held = FileLock.AcquireFolder(Results, log);
        var recorded = RecordedStudy();
        var begunUnder = DefaultsBegunUnder(recorded);
        CheckDefaults(begunUnder);
        CheckSameStudy(recorded, begunUnder);
        var baseModel = EnsureBaseModel(cancellationToken);
        var data = EnsureData();
        WriteStudy(baseModel, data, begunUnder);
        // What each set is made of (data/composition.json, subsets/*.composition.json), for sets written before this.
        SetComposition.FillMissing(Results, config.Kind, log);

        var test = DatasetReader.Read([TestDirectory], new ReadOptions { Kind = config.Kind }).ToList();
        var validation = config.Validation is null ? null : DatasetReader.Read([ValidationDirectory], new ReadOptions { Kind = config.Kind }).ToList();
        var labels = config.Kind == TaskKind.Ner
            ? LabelSet.FromExamples(DatasetReader.Read([TargetDirectory], new ReadOptions { Kind = config.Kind }).Concat(test).OfType<NerExample>())
            : null;

        int total = 0, computed = 0, reused = 0;
        // Seed-major: a run stopped early has every method at every budget for its first seeds, a fair comparison.
        foreach (var seed in config.Seeds.Where(s => options.Seeds.Count == 0 || options.Seeds.Contains(s)))
            foreach (var (method, budget) in CellsOfOneSeed())
            {
                total++;
                var key = CellResult.CellKey(method, budget, seed);
                var cellPath = CellPath(method, budget, seed);
                if (File.Exists(cellPath))
                {
                    reused++;
                    continue;
                }
                cancellationToken.ThrowIfCancellationRequested();
                log?.Report($"cell {key}");
                var cell = RunCell(method, budget, seed, baseModel, test, validation, labels, cancellationToken);
                ExperimentResults.Write(cellPath, cell);
                computed++;
                log?.Report($"cell {key}: test log-loss {cell.TestLoss:F4}{(cell.F1 is { } f ? $", F1 {f:F3}" : "")}");
                CellFinished?.Invoke(cell);
            }
        return new ExperimentRunSummary(Results, total, computed, reused);
    }

    /// <summary>Every method at every budget, then every ablation variant at the ablation's budgets, then random at the baseline budgets.</summary>
    private IEnumerable<(string Method, int Budget)> CellsOfOneSeed() =>
        config.Methods.SelectMany(m => config.Budgets.Select(b => (m, b)))
            .Concat(config.Ablation.Keys.SelectMany(v => config.EffectiveAblationBudgets.Select(b => (v, b))))
            .Concat((config.BaselineBudgets ?? []).Select(b => (StudyMethods.Random.Name, b)))
            .Where(c => options.Only.Count == 0 || options.Only.Contains(c.Item1, StringComparer.Ordinal));

    /// <summary>A row's random_share needs Score+Random: refused before any fit when the row's strategy (its own or its method's) is another.</summary>
    private void CheckRandomShares()
    {
        foreach (var (name, row) in config.Ablation)
        {
            if (row.RandomShare is null) continue;
            var strategy = config.Column(name).Strategy ?? SelectionMethods.Get(row.Method).DefaultStrategy;
            if (strategy != Core.Selection.SelectionStrategy.ScoreRandom)
                throw new ArgumentException($"{config.SourcePath}: ablation variant '{name}': random_share is Score+Random's split of the budget; {row.Method} selects by {Core.Selection.SubsetSelector.StrategyName(strategy)}.");
        }
    }

    private void CheckOnly()
    {
        var unknown = options.Only.Where(n => !config.Methods.Contains(n, StringComparer.Ordinal) && !config.Ablation.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"{config.SourcePath}: no method or ablation row named {string.Join(", ", unknown.Select(n => $"'{n}'"))} "
                + $"(it has {string.Join(", ", config.Methods.Concat(config.Ablation.Keys))}).");
    }

    private void CheckSeeds()
    {
        var seeds = options.Seeds.Where(s => !config.Seeds.Contains(s)).ToList();
        if (seeds.Count > 0)
            throw new ArgumentException(
                $"{config.SourcePath}: no seed {string.Join(", ", seeds)} in its seeds ({string.Join(", ", config.Seeds)}).");
    }

    /// <summary>
    /// The default changes (<see cref="DefaultChange.Id"/>) this folder's cells are made under: every change for a new
    /// study (no finished cell yet), those its study.json recorded otherwise (none for folders from before they were kept).
    /// </summary>
    private IReadOnlyList<string> DefaultsBegunUnder(StudyInfo? recorded)
    {
        var cells = Path.Combine(Results, "cells");
        bool hasCells = Directory.Exists(cells) && Directory.EnumerateFiles(cells, "*.json").Any();
        if (recorded is null || !hasCells) return AllDefaultChanges.Select(c => c.Id).ToList();
        return recorded.Defaults ?? [];
    }

    /// <summary>The folder's study.json as the last run wrote it; null for a new folder.</summary>
    private StudyInfo? RecordedStudy()
    {
        var path = Path.Combine(Results, ExperimentResults.StudyFile);
        return File.Exists(path) ? ExperimentResults.Read<StudyInfo>(path) : null;
    }

    private string CellPath(string method, int budget, int seed) => Path.Combine(Results, "cells", CellResult.CellKey(method, budget, seed) + ".json");

    private static IEnumerable<DefaultChange> AllDefaultChanges => SelectionMethods.Names.SelectMany(n => SelectionMethods.Get(n).DefaultChanges);

    /// <summary>The default changes made after this folder's first cells: what a pin must restate to finish it as begun.</summary>
    private static List<DefaultChange> Missed(IReadOnlyList<string> begunUnder) => AllDefaultChanges.Where(c => !begunUnder.Contains(c.Id)).ToList();

    /// <summary>
    /// A study begun before a method's default changed is not finished under the new default: its remaining cells of
    /// that method would be made another way than its finished ones, and the comparison would mix the two. The config
    /// must pin the previous value (or the results go to another folder).
    /// </summary>
    private void CheckDefaults(IReadOnlyList<string> begunUnder)
    {
        var missed = Missed(begunUnder);
        if (missed.Count == 0) return;
        var pending = config.Seeds
            .SelectMany(seed => CellsOfOneSeed().Where(c => !File.Exists(CellPath(c.Method, c.Budget, seed))))
            .Select(c => c.Method).Distinct(StringComparer.Ordinal);
        foreach (var name in pending)
        {
            var column = config.Column(name);
            if (column.Method is not { } method) continue;
            var settings = WithColumnSelection(config.SettingsFor(method, column.Settings), column);
            foreach (var change in missed.Where(c => c.Method == method && c.AppliesTo(config.Kind, settings)))
                throw new ArgumentException(
                    $"{Results}: this study's first cells were made before {method}'s default {change.Key} changed from {change.Previous} to "
                    + $"{change.Current} ({change.Since}; {change.Why}), and its column '{name}' would now run with {change.Current}. To finish the study "
                    + $"as it was begun, add {change.Key}: \"{change.Previous}\" to method_settings.{method} in {config.SourcePath}; to run it under the "
                    + "new default, give another --out.");
        }
    }

    /// <summary>A row's own selection settings (bin_weights, share_fill, bin_by, random_share) pin them as a method_settings entry does.</summary>
    private static Dictionary<string, string> WithColumnSelection(IReadOnlyDictionary<string, string> settings, StudyMethod column)
    {
        var all = new Dictionary<string, string>(settings, StringComparer.Ordinal);
        if (column.BinWeights is { } weights) all[ExperimentConfig.BinWeightsSetting] = SubsetSelector.BinWeightsName(weights);
        if (column.ShareFill is { } fill) all[ExperimentConfig.ShareFillSetting] = SubsetSelector.ShareFillName(fill);
        if (column.BinBy is { } by) all[ExperimentConfig.BinBySetting] = SubsetSelector.BinLengthName(by);
        if (column.RandomShare is { } share) all[ExperimentConfig.RandomShareSetting] = share.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return all;
    }

    private void CheckSameStudy(StudyInfo? study, IReadOnlyList<string> begunUnder)
    {
        if (study is null) return;
        if (study.ConfigHash == config.Hash) return;
        // Pins that restate a default the study was begun under (CheckDefaults) change no finished cell.
        var restated = Missed(begunUnder).Select(c => (c.Method, c.Key, c.Previous)).ToList();
        if (study.CellsHash is null || !config.MatchesCellsHash(study.CellsHash, restated))
            throw new ArgumentException(
                $"{Results} holds results of another config (hash {study.ConfigHash}, this one {config.Hash}; they differ in more than which methods, "
                + "rows, budgets or seeds run): give another --out.");
        // Only the set of cells changed: finished cells stay valid, unless a row kept its name but changed what it does.
        foreach (var row in study.Ablation)
            if (config.Ablation.TryGetValue(row.Name, out var now) && now.Describe() != row.Changes)
                throw new ArgumentException(
                    $"{Results}: ablation row '{row.Name}' was run as \"{row.Changes}\" and is now \"{now.Describe()}\"; give the changed row a new name, or another --out.");
        log?.Report("the config differs only in which cells run: finished cells are kept");
    }

    private string EnsureBaseModel(CancellationToken cancellationToken)
    {
        if (config.BaseModel.Model is { } model)
        {
            // A folder relative to the config wins; otherwise a built-in name, materialised in the cache.
            var folder = config.Resolve(model);
            return Directory.Exists(folder) ? folder : ModelCatalog.Resolve(model,
                new ModelCatalogContext(Path.Combine(options.CacheDirectory, "models"), options.SharedData) { Log = log }, cancellationToken);
        }
        var family = config.Kind == TaskKind.Ner ? PretrainFamily.Ner : PretrainFamily.Lm;
        IReadOnlyList<string> corpus = config.BaseModel.Corpus.Count > 0
            ? config.BaseModel.Corpus.Select(config.Resolve).ToArray()
            : Pretrainer.DefaultCorpus(family, options.SharedData);
        if (corpus.Count == 0) corpus = config.Pool.SelectMany(p => p.Paths).Select(config.Resolve).ToArray();
        var report = Pretrainer.Run(corpus, Path.Combine(options.CacheDirectory, "models"),
            new PretrainOptions
            {
                Family = family, Preset = config.BaseModel.Preset!, Steps = config.BaseModel.PretrainSteps,
                BatchSize = config.BaseModel.PretrainBatchSize, VocabSize = config.BaseModel.VocabSize,
                MaxTexts = config.BaseModel.PretrainMaxTexts, LearningRate = config.BaseModel.PretrainLr,
                SequenceLength = config.BaseModel.PretrainSeqLen,
            }, log, PretrainProgress(), cancellationToken,
            // A study resumes, and so does the pre-training it starts: a stopped one continues from its checkpoint.
            new PretrainRunSettings { Resume = true });
        log?.Report($"base model {report.Directory}{(report.FromCache ? " (cached)" : "")}");
        return report.Directory;
    }

    /// <summary>A line every 50 pre-training steps, so a long pre-training shows it is moving.</summary>
    private IProgress<TrainingProgress>? PretrainProgress() => log is null ? null : new SynchronousProgress<TrainingProgress>(p =>
    {
        if (p.Step % 50 == 0 || p.Step == p.TotalSteps) log.Report($"pre-training step {p.Step}/{p.TotalSteps}: loss {p.Loss:F3}");
    });

    private sealed record DataSizes(int Target, int Test, Dictionary<string, int> Pool)
    {
        /// <summary>Examples and empty files skipped per pool source (only for sources with skip_invalid).</summary>
        public Dictionary<string, long> Skipped { get; init; } = [];
    }

    /// <summary>
    /// Materializes target, test and pool (label-mapped, read through the config's field mapping, capped) once, so every method reads the same files. An example
    /// already taken for the target never enters test or pool, and a test example never enters the pool, so a config
    /// may draw all three from one file without leaking.
    /// </summary>
    private DataSizes EnsureData()
    {
        var marker = Path.Combine(Results, "data", "sizes.json");
        DataSizes? recorded = File.Exists(marker) ? ExperimentResults.Read<DataSizes>(marker) : null;
        // Committed results keep sizes.json but not the data files: they are drawn again (deterministic) and checked.
        if (recorded is not null && Directory.Exists(TargetDirectory) && Directory.Exists(TestDirectory) && Directory.Exists(PoolDirectory)
            && (config.Validation is null || Directory.Exists(ValidationDirectory)))
            return recorded;
        var read = config.SourceReadOptions();
        var taken = new HashSet<(string, string)>();
        int target = Materialize(config.Target.Paths, config.Target.Max, read, Path.Combine(TargetDirectory, "target.jsonl"), 1, taken);
        int test = Materialize(config.Test.Paths, config.Test.Max, read, Path.Combine(TestDirectory, "test.jsonl"), 2, taken);
        if (config.Validation is { } v) Materialize(v.Paths, v.Max, read, Path.Combine(ValidationDirectory, "validation.jsonl"), 3, taken);
        var pool = new Dictionary<string, int>(StringComparer.Ordinal);
        var skipped = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < config.Pool.Count; i++)
        {
            var source = config.Pool[i];
            var report = new ReadReport();
            pool[source.Name] = Materialize(source.Paths, source.Max, read with { SkipInvalid = source.SkipInvalid }, Path.Combine(PoolDirectory, source.Name + ".jsonl"), 10 + i, taken, report);
            if (report.Skipped > 0)
            {
                skipped[source.Name] = report.Skipped;
                log?.Report($"pool source {source.Name}: skipped {report.Skipped} (" +
                    string.Join(", ", report.SkippedByReason.Select(kv => $"{kv.Value} {kv.Key}")) + $"), e.g. {report.FirstErrors[0].Message}");
            }
        }
        var sizes = new DataSizes(target, test, pool) { Skipped = skipped };
        if (recorded is not null && (recorded.Target != target || recorded.Test != test || !recorded.Pool.OrderBy(kv => kv.Key).SequenceEqual(pool.OrderBy(kv => kv.Key))))
            throw new InvalidDataException($"{marker}: the data drawn again here differ from the recorded sizes (other shared data?); start a new results folder.");
        ExperimentResults.Write(marker, sizes);
        log?.Report($"data: target {target}, test {test}, pool {pool.Values.Sum()} ({string.Join(", ", pool.Select(kv => $"{kv.Key} {kv.Value}"))})");
        return sizes;
    }

    private int Materialize(IEnumerable<string> paths, int max, ReadOptions read, string output, int stream, HashSet<(string, string)> taken, ReadReport? report = null)
    {
        var examples = DatasetReader.Read(paths.Select(config.Resolve).ToArray(), read, report).Where(e => !taken.Contains((e.Source, e.Id))).ToList();
        if (examples.Count == 0) throw new ArgumentException($"No examples were read for {Path.GetFileName(output)}.");
        var kept = max > 0 && examples.Count > max ? Sample(examples, max, config.SampleSeed * 1000 + stream) : examples;
        foreach (var e in kept) taken.Add((e.Source, e.Id));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        ExampleJsonl.Write(output, kept);
        return kept.Count;
    }

    /// <summary>A uniform sample of <paramref name="count"/> items, in their original order.</summary>
    public static List<T> Sample<T>(IReadOnlyList<T> items, int count, int seed)
    {
        var random = new Random(seed);
        var indices = Enumerable.Range(0, items.Count).ToArray();
        random.Shuffle(indices);
        return indices.Take(count).Order().Select(i => items[i]).ToList();
    }

    private void WriteStudy(string baseModel, DataSizes data, IReadOnlyList<string> begunUnder) =>
        ExperimentResults.Write(Path.Combine(Results, ExperimentResults.StudyFile), new StudyInfo(
            config.Name, config.Task, config.Hash, config.SourcePath, config.Methods, config.Budgets, config.Seeds, data.Pool, data.Target, data.Test,
            baseModel, $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture))
        {
            Ablation = config.Ablation.Select(kv => new AblationInfo(kv.Key, kv.Value.Method, kv.Value.Describe())).ToList(),
            AblationBudgets = config.EffectiveAblationBudgets,
            BaselineBudgets = config.BaselineBudgets ?? [],
            SourceFilter = config.SourceFilter,
            CellsHash = config.CellsHash,
            Defaults = begunUnder,
        });

    private CellResult RunCell(string method, int budget, int seed, string baseModel, List<Example> test, List<Example>? validation, LabelSet? labels, CancellationToken cancellationToken)
    {
        var key = CellResult.CellKey(method, budget, seed);
        var subsetPath = Path.Combine(Results, "subsets", key + ".jsonl");
        var clock = Stopwatch.StartNew();
        var column = config.Column(method);
        var (bySource, artifact) = column.IsScored
            ? SelectFromScores(column, budget, seed, baseModel, subsetPath, cancellationToken)
            : (SourceFilter(method, budget, seed, subsetPath), "");
        double selectSeconds = clock.Elapsed.TotalSeconds;
        ExperimentResults.Write(SetComposition.SubsetFile(Results, key), SetComposition.OfSubset(subsetPath, key, config.Kind));

        clock.Restart();
        var train = DatasetReader.Read([subsetPath], new ReadOptions { Kind = config.Kind }).ToList();
        var recipe = new FineTuneOptions
        {
            LoraRank = config.Finetune.LoraRank, LearningRate = config.Finetune.Lr, Epochs = config.Finetune.Epochs,
            BatchSize = config.Finetune.BatchSize, Seed = seed,
            FreezeEmbeddings = config.Finetune.FreezeEmbeddings, SelectEpoch = config.Finetune.SelectEpoch,
        };
        using var model = TaskModel.Load(baseModel, config.Kind, labels, new TaskModelOptions { Seed = seed, MaxLength = config.Finetune.MaxLength });
        var tuned = FineTuner.Run(model, model.EncodeAll(train), recipe, cancellationToken: cancellationToken,
            validation: validation is null ? null : model.EncodeAll(validation));
        var encodedTest = model.EncodeAll(test);
        var evaluation = FineTuner.Evaluate(model, encodedTest, cancellationToken: cancellationToken);
        var losses = evaluation.Examples.Select(e => e.Loss).Where(double.IsFinite).ToArray();
        NerF1.Score? f1 = config.Kind == TaskKind.Ner ? NerF1.Micro(NerPredictor.Predict(model, encodedTest)) : null;
        return new CellResult(method, budget, seed, train.Count, bySource, evaluation.MeanLoss, SampleStatistics.MeanAndStandardError(losses).StandardError,
            f1?.F1, f1?.Precision, f1?.Recall, selectSeconds, clock.Elapsed.TotalSeconds, artifact)
        {
            KeptEpoch = validation is null ? null : tuned.KeptEpoch,
            ValidationLosses = validation is null ? null : tuned.ValidationLosses,
        };
    }

    /// <summary>
    /// The control and source rows: random examples from the study's <c>source_filter</c> pool sources, or from a
    /// source-filter row's own (its pool sources, or its rows drawn from files outside the pool).
    /// </summary>
    private Dictionary<string, int> SourceFilter(string column, int budget, int seed, string subsetPath)
    {
        var candidates = SourceCandidates(column);
        var picked = Sample(candidates, Math.Min(budget, candidates.Count), seed);
        Directory.CreateDirectory(Path.GetDirectoryName(subsetPath)!);
        ExampleJsonl.Write(subsetPath, picked);
        return BySource(picked.Select(e => e.Source));
    }

    private List<Example> SourceCandidates(string column)
    {
        var row = config.Ablation.GetValueOrDefault(column);
        if (row is { Paths: not null }) return DatasetReader.Read([EnsureRowData(column, row)], new ReadOptions { Kind = config.Kind }).ToList();
        var allowed = (row?.Sources ?? config.SourceFilter).ToHashSet(StringComparer.Ordinal);
        return DatasetReader.Read([PoolDirectory], new ReadOptions { Kind = config.Kind })
            .Where(e => allowed.Contains(PoolSourceName(e.Source))).ToList();
    }

    /// <summary>
    /// A source row's examples from files outside the pool, drawn once (the config's sample seed, capped at the row's
    /// max) into <c>data/rows/NAME.jsonl</c>: none of them is a row of target, test, validation or pool (compared by
    /// content, so a row copied into two files does not leak either).
    /// </summary>
    private string EnsureRowData(string column, AblationConfig row)
    {
        var output = Path.Combine(Results, "data", "rows", column + ".jsonl");
        if (File.Exists(output)) return output;
        var taken = new[] { TargetDirectory, TestDirectory, ValidationDirectory, PoolDirectory }.Where(Directory.Exists)
            .SelectMany(d => DatasetReader.Read([d], new ReadOptions { Kind = config.Kind })).Select(ContentKey).ToHashSet(StringComparer.Ordinal);
        var examples = DatasetReader.Read(row.Paths!.Select(config.Resolve).ToArray(), config.SourceReadOptions())
            .Where(e => !taken.Contains(ContentKey(e))).ToList();
        if (examples.Count == 0)
            throw new ArgumentException($"{config.SourcePath}: ablation variant '{column}': its paths hold no example that is not already in the study's target, test, validation or pool.");
        int max = row.Max ?? 0;
        var kept = max > 0 && examples.Count > max ? Sample(examples, max, config.SampleSeed * 1000 + RowDataStream) : examples;
        ExampleJsonl.Write(output, kept);
        log?.Report($"ablation variant {column}: {kept.Count} rows drawn from outside the pool into {output}");
        return output;
    }

    /// <summary>The sample stream of source rows' data (target 1, test 2, validation 3, pool sources 10 and up).</summary>
    private const int RowDataStream = 999;

    private static string ContentKey(Example e) => e switch
    {
        InstructionExample i => "i\u0001" + i.Prompt + "\u0001" + i.Completion,
        NerExample n => "n\u0001" + string.Join('\u0001', n.Tokens),
        _ => throw new ArgumentException($"no content key for {e.GetType().Name}"),
    };

    /// <summary>The config's pool source name of an example read from the materialized pool (<c>pool/NAME.jsonl</c>).</summary>
    public static string PoolSourceName(string source) => SetComposition.PoolSourceName(source);

    private static Dictionary<string, int> BySource(IEnumerable<string> sources) =>
        sources.GroupBy(PoolSourceName).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private (Dictionary<string, int> BySource, string Artifact) SelectFromScores(StudyMethod column, int budget, int seed, string baseModel, string subsetPath, CancellationToken cancellationToken)
    {
        var method = SelectionMethods.Get(column.Method);
        // A column that only changes the selection (a preset, or a row with a strategy or bins) reuses its method's
        // fit+score; one that changes only how scores are computed from a fit (the method's score-time settings)
        // reuses the fit and scores again; one with other settings has its own fit+score. Rows that change the same
        // settings share one: the first such row's (SettingsOwner). A row that changes score-time settings on top of
        // another row's fit settings (the same fit settings, nothing more) rescores that row's fit.
        ArtifactCost cost;
        bool changesSettings = column.Settings.Count > 0;
        var scoreTime = column.Settings.Where(kv => method.ScoreTimeSettings.Contains(kv.Key)).ToDictionary(StringComparer.Ordinal);
        var fitOnly = column.Settings.Where(kv => !method.ScoreTimeSettings.Contains(kv.Key)).ToDictionary(StringComparer.Ordinal);
        string? fitOwner = scoreTime.Count == 0 ? null
            : fitOnly.Count == 0 ? method.Name
            : config.FitOwner(method.Name, fitOnly);
        if (fitOwner is not null)
        {
            var fitted = EnsureArtifact(method, fitOwner, config.FitSettingsFor(method.Name, fitOnly), seed, baseModel, cancellationToken);
            cost = EnsureRescored(method, config.SettingsOwner(column), fitted, scoreTime, seed, cancellationToken);
        }
        else
        {
            var artifactName = changesSettings ? config.SettingsOwner(column) : method.Name;
            cost = EnsureArtifact(method, artifactName, config.FitSettingsFor(method.Name, column.Settings), seed, baseModel, cancellationToken);
        }
        var strategy = column.Strategy ?? method.DefaultStrategy;
        var subset = SubsetSelector.Select(new SubsetRequest(cost.ScoresPath, [PoolDirectory], budget, subsetPath)
        {
            Strategy = strategy, Bins = column.Bins ?? method.DefaultBinsFor(ScoreFile.ReadMetadata(cost.ScoresPath)),
            BinBy = column.BinBy ?? config.BinByFor(method.Name) ?? method.DefaultBinBy,
            BinWeights = column.BinWeights ?? config.BinWeightsFor(method.Name) ?? method.DefaultBinWeights,
            ShareFill = column.ShareFill ?? config.ShareFillFor(method.Name) ?? method.DefaultShareFill,
            RandomShare = method.RandomShareFor(strategy, column.RandomShare, config.RandomShareFor(method.Name)), Seed = seed,
            ReadOptions = new ReadOptions { Kind = config.Kind },
        }, null, cancellationToken);
        return (BySource(subset.BySource.SelectMany(kv => Enumerable.Repeat(kv.Key, kv.Value))), cost.Key);
    }

    // Scores the base artifact's fit again with score-time settings; the fit's cost stays with the base artifact.
    private ArtifactCost EnsureRescored(ISelectionMethod method, string name, ArtifactCost fitted, Dictionary<string, string> scoreSettings, int seed, CancellationToken cancellationToken)
    {
        var key = $"{name}-s{seed}";
        var dir = Path.Combine(Results, "artifacts", key);
        var costPath = Path.Combine(dir, "cost.json");
        var scoresPath = Path.Combine(dir, ScoreFile.DefaultFileName);
        if (File.Exists(costPath) && File.Exists(scoresPath)) return ExperimentResults.Read<ArtifactCost>(costPath) with { ScoresPath = scoresPath };
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        var run = Path.Combine(Path.GetDirectoryName(fitted.ScoresPath)!, "run");
        log?.Report($"score {key} from {fitted.Key}'s fit ({string.Join(", ", scoreSettings.Select(kv => $"{kv.Key}={kv.Value}"))})");
        var score = method.Score(new MethodScoreRequest(run, [PoolDirectory], scoresPath)
        {
            BatchSize = options.ScoreBatchSize, Settings = scoreSettings,
        }, log, cancellationToken);
        long bytes = new FileInfo(scoresPath).Length;
        var cost = new ArtifactCost(name, key, 0, score.Seconds, bytes, scoresPath);
        ExperimentResults.Write(costPath, cost);
        log?.Report($"score {key}: {cost.Seconds:F1} s (fit shared with {fitted.Key})");
        return cost;
    }

    private ArtifactCost EnsureArtifact(ISelectionMethod method, string name, IReadOnlyDictionary<string, string> settings, int seed, string baseModel, CancellationToken cancellationToken)
    {
        var key = method.SeedFree && name == method.Name ? name : $"{name}-s{seed}";
        var dir = Path.Combine(Results, "artifacts", key);
        var costPath = Path.Combine(dir, "cost.json");
        var localScores = Path.Combine(dir, ScoreFile.DefaultFileName);
        if (File.Exists(costPath))
        {
            // Committed results keep cost.json but not the scores: a folder resumed on another machine (or moved) refits.
            if (File.Exists(localScores)) return ExperimentResults.Read<ArtifactCost>(costPath) with { ScoresPath = localScores };
            log?.Report($"artifact {key} has its cost but no scores here (results committed without them): redoing its fit+score");
            File.Delete(costPath);
        }
        // A fit interrupted here is continued, not redone: the method's own run folder resumes a run of the same
        // inputs (ToV at its next epoch, a finished fit reused) and replaces one of other inputs (force), and the
        // score file resumes from its part files. No cost.json means it was never finished.
        Directory.CreateDirectory(dir);

        log?.Report($"fit+score {key}");
        var scoresPath = Path.Combine(dir, ScoreFile.DefaultFileName);
        var done = MethodPipeline.FitAndScore(method, new MethodFitRequest([TargetDirectory], [PoolDirectory], Path.Combine(dir, "run"))
        {
            Model = method.NeedsModel ? baseModel : null, Kind = config.Kind, Seed = seed,
            Settings = settings.ToDictionary(), Force = true,
        }, scoresPath, options.ScoreBatchSize, log, cancellationToken);
        long bytes = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var cost = new ArtifactCost(name, key, done.Run.Seconds, done.Scores?.Seconds ?? 0, bytes, scoresPath) { Resumed = done.Run.Reused || done.Run.Resumed || done.Scores is null };
        ExperimentResults.Write(costPath, cost);
        log?.Report($"fit+score {key}: {cost.Seconds:F1} s, {bytes / 1e6:F1} MB");
        return cost;
    }
}
