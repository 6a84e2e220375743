using System.Security.Cryptography;
using System.Text;
using Winnow.Core.Data;
using Winnow.Core.Selection;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Winnow.Experiments;

/// <summary>
/// One study, as written in <c>experiments/*.yaml</c>: a base model, target/test/pool built from data files (with an
/// optional label map, field mapping and per-source sampling caps), the methods, a budget ladder, seeds and the
/// fine-tuning recipe every subset is judged by. Relative paths are resolved against the config file's folder.
/// </summary>
public sealed record ExperimentConfig
{
    public string Name { get; init; } = "";
    public string Task { get; init; } = "";
    public BaseModelConfig BaseModel { get; init; } = new();
    public string? LabelMap { get; init; }

    /// <summary>
    /// Columns of source data in another schema, applied to every target, test, validation and pool file when the data are
    /// drawn: <c>fields: prompt=question,completion=answer</c> or the same as a mapping,
    /// <c>fields: { prompt: question, completion: answer }</c> (NER: tokens and tags; either with id).
    /// </summary>
    public FieldMapping? Fields { get; init; }

    public DataConfig Target { get; init; } = new();
    public DataConfig Test { get; init; } = new();

    /// <summary>
    /// Optional validation slice for the judge (<c>finetune.select_epoch</c>): drawn after target and test and before the
    /// pool, so it is disjoint from all three.
    /// </summary>
    public DataConfig? Validation { get; init; }
    public List<PoolSourceConfig> Pool { get; init; } = [];

    /// <summary>Seed of the per-source sampling caps (fixed, so every method sees the same pool).</summary>
    public int SampleSeed { get; init; }
    public List<string> Methods { get; init; } = [];
    /// <summary>
    /// Each method's settings, as on the command line; besides the method's own, <see cref="BinBySetting"/> sets how the
    /// selection from its scores bins lengths (a selection setting: its fits never see it).
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> MethodSettings { get; init; } = [];

    /// <summary>The selection setting a study may give in method_settings: the length the bins cut on (tokens, predicted).</summary>
    public const string BinBySetting = "bin_by";

    /// <summary>The selection setting a study may give in method_settings: Score+Random's share of the budget from the base set.</summary>
    public const string RandomShareSetting = "random_share";

    /// <summary>The selection setting a study may give in method_settings: how the length bins share the scored budget (equal, target).</summary>
    public const string BinWeightsSetting = "bin_weights";

    /// <summary>The selection setting a study may give in method_settings: what fills Score+Random's random share (random, neighbours, auto).</summary>
    public const string ShareFillSetting = "share_fill";

    /// <summary>The settings of method_settings that change how a method's scores are selected from, never its fit.</summary>
    public static IReadOnlySet<string> SelectionSettings { get; } = new HashSet<string>(StringComparer.Ordinal) { BinBySetting, RandomShareSetting, BinWeightsSetting, ShareFillSetting };

    /// <summary>Pool source names the <c>source-filter</c> control draws from at random.</summary>
    public List<string> SourceFilter { get; init; } = [];
    public List<int> Budgets { get; init; } = [];
    public List<int> Seeds { get; init; } = [];
    public FinetuneConfig Finetune { get; init; } = new();

    /// <summary>
    /// Named variants of a scored method (ToV by default) that differ from it in a few settings, the selection strategy
    /// or the number of length bins: the ablation. Each runs like a method, at <see cref="AblationBudgets"/>.
    /// </summary>
    public Dictionary<string, AblationConfig> Ablation { get; init; } = [];

    /// <summary>Budgets the ablation variants run at; empty = every budget.</summary>
    public List<int> AblationBudgets { get; init; } = [];

    /// <summary>
    /// Budgets at which only the random baseline runs, beside <see cref="Budgets"/>: the 2n rungs for the check "a
    /// method at n against random at 2n" (e.g. budgets 50, 200 and baseline_budgets 100, 400). Left out of the cells
    /// hash like the other lists of cells, and out of the serialized config while absent, so older hashes hold.
    /// </summary>
    [YamlMember(DefaultValuesHandling = DefaultValuesHandling.OmitNull)]
    public List<int>? BaselineBudgets { get; init; }

    /// <summary>The budgets the ablation runs at.</summary>
    public IReadOnlyList<int> EffectiveAblationBudgets => AblationBudgets.Count > 0 ? AblationBudgets : Budgets;

    /// <summary>Folder relative paths are resolved against (set by <see cref="Load"/>).</summary>
    [YamlIgnore] public string BaseDirectory { get; init; } = ".";

    /// <summary>Hash of the config file's bytes, recorded with results.</summary>
    [YamlIgnore] public string Hash { get; init; } = "";

    /// <summary>
    /// Hash of everything a finished cell depends on: the config with the lists that only say which cells exist
    /// (methods, budgets, seeds, ablation rows and budgets) left out. A config that adds a method, a row, a budget or a seed
    /// keeps this hash, so its results folder resumes; one that changes the data, the judge or a method's settings does not.
    /// </summary>
    [YamlIgnore] public string CellsHash { get; init; } = "";

    /// <summary>The config file this was loaded from.</summary>
    [YamlIgnore] public string SourcePath { get; init; } = "";

    public TaskKind Kind => Task == "ner" ? TaskKind.Ner : TaskKind.Instruction;

    public string Resolve(string path) => Path.GetFullPath(Path.Combine(BaseDirectory, path));

    /// <summary>How the study's source files (target, test, validation, pool) are read: its task, label map and field mapping.</summary>
    public ReadOptions SourceReadOptions() => new()
    {
        Kind = Kind, LabelMap = LabelMap is null ? null : Core.Data.Ner.LabelMap.Load(Resolve(LabelMap)), Fields = Fields,
    };

    public static ExperimentConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No experiment config at {path}.");
        var text = File.ReadAllText(path);
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance)
            .WithTypeConverter(new FieldMappingYamlConverter()).Build();
        ExperimentConfig config;
        try
        {
            config = deserializer.Deserialize<ExperimentConfig>(text) ?? throw new ArgumentException($"{path}: the config is empty.");
        }
        catch (YamlException e)
        {
            // YamlDotNet wraps the cause; the innermost message names the unknown key or bad value.
            var cause = e;
            while (cause.InnerException is YamlException inner) cause = inner;
            var message = cause.InnerException?.Message ?? cause.Message;
            throw new ArgumentException($"{path}:{e.Start.Line}: {Describe(message)}");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            // YamlDotNet's own state errors on malformed documents ("The scanner should contain no more tokens").
            throw new ArgumentException($"{path}: not a valid YAML study config ({e.Message.Split('\n')[0].TrimEnd('.')}).");
        }
        return (config with { BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!, Hash = Hash16(text), CellsHash = CellsHashOf(config), SourcePath = path })
            .Validate(path);
    }

    private static string Hash16(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..16];

    private static string CellsHashOf(ExperimentConfig config) => Hash16(new SerializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithTypeConverter(new FieldMappingYamlConverter()).Build()
        .Serialize(config with { Name = "", Methods = [], Budgets = [], Seeds = [], Ablation = [], AblationBudgets = [], BaselineBudgets = null }));

    /// <summary>
    /// <see cref="CellsHash"/> as if <paramref name="pins"/> (method, setting, value) were absent from method_settings:
    /// a pin that restates a method's earlier default, added to finish a study begun under it, changes no finished cell.
    /// </summary>
    public string CellsHashWithout(IEnumerable<(string Method, string Key, string Value)> pins)
    {
        var settings = MethodSettings.ToDictionary(kv => kv.Key, kv => new Dictionary<string, string>(kv.Value, kv.Value.Comparer));
        foreach (var (method, key, value) in pins)
            if (settings.TryGetValue(method, out var of) && of.TryGetValue(key, out var v) && v == value)
            {
                of.Remove(key);
                if (of.Count == 0) settings.Remove(method);
            }
        return CellsHashOf(this with { MethodSettings = settings });
    }

    /// <summary>
    /// Whether <paramref name="recorded"/> (a study.json's cells hash) is this config's, with any subset of
    /// <paramref name="restatable"/> pins left out: a folder last run with some pins (one default had changed) must
    /// still resume once the config pins a later changed default too.
    /// </summary>
    public bool MatchesCellsHash(string recorded, IReadOnlyList<(string Method, string Key, string Value)> restatable)
    {
        if (recorded == CellsHash) return true;
        if (restatable.Count > 16) throw new ArgumentException("Too many restatable pins to try every subset.", nameof(restatable));
        for (int mask = 1; mask < 1 << restatable.Count; mask++)
            if (recorded == CellsHashWithout(restatable.Where((_, i) => (mask & (1 << i)) != 0)))
                return true;
        return false;
    }

    // One line, always: a quoted YAML key may span lines, and an error names it (the line breaks shown as \n).
    private static string Describe(string message) =>
        (message.StartsWith("Property '", StringComparison.Ordinal) && message.Contains("not found", StringComparison.Ordinal)
            ? "unknown key " + message[(message.IndexOf('\'') )..(message.IndexOf('\'', message.IndexOf('\'') + 1) + 1)]
            : message).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public ExperimentConfig Validate(string file)
    {
        void Fail(string what) => throw new ArgumentException($"{file}: {what}");
        if (string.IsNullOrWhiteSpace(Name)) Fail("name is required.");
        if (Task is not ("ner" or "instruction")) Fail($"task must be ner or instruction (got '{Task}').");
        if ((BaseModel.Preset is null) == (BaseModel.Model is null)) Fail("base_model needs exactly one of preset or model.");
        if (Target.Paths.Count == 0) Fail("target.paths is required.");
        if (Test.Paths.Count == 0) Fail("test.paths is required.");
        if (Validation is { Paths.Count: 0 }) Fail("validation.paths is required when validation is given.");
        if (Finetune.SelectEpoch && Validation is null) Fail("finetune.select_epoch needs a validation block (data disjoint from target, test and pool).");
        if (Pool.Count == 0) Fail("pool needs at least one source.");
        foreach (var source in Pool)
        {
            if (string.IsNullOrWhiteSpace(source.Name) || source.Name.IndexOfAny(['/', '\\', ' ']) >= 0) Fail($"pool source name '{source.Name}' must be a plain word.");
            if (source.Paths.Count == 0) Fail($"pool source {source.Name} has no paths.");
        }
        if (Pool.Select(s => s.Name).Distinct().Count() != Pool.Count) Fail("pool source names must be unique.");
        if (Methods.Count == 0) Fail("methods is required.");
        foreach (var m in Methods.Where(m => StudyMethods.Find(m) is null))
            Fail($"unknown method '{m}': expected {string.Join(", ", StudyMethods.Names)}.");
        if (Methods.Distinct().Count() != Methods.Count) Fail("methods are listed twice.");
        var control = StudyMethods.SourceFilter.Name;
        if (Methods.Contains(control) && SourceFilter.Count == 0) Fail($"{control} needs source_filter: the pool source names it draws from.");
        foreach (var s in SourceFilter.Where(s => Pool.All(p => p.Name != s))) Fail($"source_filter names '{s}', which is no pool source.");
        foreach (var m in MethodSettings.Keys.Where(k => StudyMethods.Find(k) is not { IsMethodItself: true }))
            Fail($"method_settings for '{m}': settings go under the method's own name ({string.Join(", ", StudyMethods.MethodsThemselves.Select(x => x.Name))}).");
        foreach (var (m, settings) in MethodSettings)
        {
            if (settings.TryGetValue(BinBySetting, out var binBy) && Refusal(() => SubsetSelector.ParseBinLength(binBy)) is { } why)
                Fail($"method_settings for '{m}': {why}");
            if (settings.TryGetValue(RandomShareSetting, out var share) && Refusal(() => ParseRandomShare(share)) is { } badShare)
                Fail($"method_settings for '{m}': {badShare}");
            if (settings.TryGetValue(BinWeightsSetting, out var weights) && Refusal(() => SubsetSelector.ParseBinWeights(weights)) is { } badWeights)
                Fail($"method_settings for '{m}': {badWeights}");
            if (settings.TryGetValue(ShareFillSetting, out var fill) && Refusal(() => SubsetSelector.ParseShareFill(fill)) is { } badFill)
                Fail($"method_settings for '{m}': {badFill}");
        }
        if (Budgets.Count == 0 || Budgets.Any(b => b <= 0)) Fail("budgets must be positive numbers.");
        if (BaselineBudgets is { } baseline)
        {
            if (baseline.Any(b => b <= 0)) Fail("baseline_budgets must be positive numbers.");
            if (baseline.Distinct().Count() != baseline.Count || baseline.Any(Budgets.Contains))
                Fail("baseline_budgets must be distinct and not among budgets (random runs at every budget already).");
            if (!Methods.Contains(StudyMethods.Random.Name)) Fail($"baseline_budgets needs {StudyMethods.Random.Name} among the methods.");
        }
        if (Seeds.Count == 0 || Seeds.Distinct().Count() != Seeds.Count) Fail("seeds must be a non-empty list of distinct numbers.");
        if (Task == "instruction" && LabelMap is not null) Fail("label_map is for NER only.");
        if (Fields is { } fields && fields.Kind != Kind)
            Fail(Kind == TaskKind.Ner ? "fields: a NER study maps tokens and tags (tokens=COL,tags=COL), not prompt and completion."
                : "fields: an instruction study maps prompt and completion (prompt=COL,completion=COL), not tokens and tags.");
        Finetune.Validate(file);
        ValidateAblation(Fail);
        return this;
    }

    /// <summary>Why <paramref name="parse"/> refuses its value (its message), or null when it accepts it.</summary>
    private static string? Refusal(Action parse)
    {
        try
        {
            parse();
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    private void ValidateAblation(Action<string> fail)
    {
        foreach (var (name, variant) in Ablation)
        {
            if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\', ' ']) >= 0 || name.Contains("__", StringComparison.Ordinal))
                fail($"ablation variant name '{name}' must be a plain word (no '/', spaces or '__').");
            if (StudyMethods.Find(name) is not null || Methods.Contains(name)) fail($"ablation variant '{name}' has the name of a method: give it its own name.");
            if (variant.IsSourceRow)
            {
                ValidateSourceRow(name, variant, fail);
                continue;
            }
            if (variant.Sources is not null || variant.Paths is not null || variant.Max is not null)
                fail($"ablation variant '{name}': sources, paths and max belong to {StudyMethods.SourceFilter.Name} rows (method: {StudyMethods.SourceFilter.Name}), not to {variant.Method}.");
            if (StudyMethods.Find(variant.Method) is not { IsMethodItself: true, Role: StudyRole.Selection })
                fail($"ablation variant '{name}': method '{variant.Method}' is no scored method ({string.Join(", ", VariableMethods.Select(m => m.Name))}).");
            SelectionStrategy? parsedStrategy = null;
            if (variant.Strategy is { } strategy && Refusal(() => parsedStrategy = SubsetSelector.ParseStrategy(strategy)) is { } badStrategy)
                fail($"ablation variant '{name}': {badStrategy}");
            if (variant.Bins is < 1) fail($"ablation variant '{name}': bins must be at least 1.");
            foreach (var key in variant.Settings.Keys.Where(SelectionSettings.Contains))
                fail($"ablation variant '{name}': {key} is a selection setting: give it as the row's own key ({name}: {{ {key}: ... }}), not under settings.");
            if (variant.BinBy is { } binBy && Refusal(() => SubsetSelector.ParseBinLength(binBy)) is { } badBinBy)
                fail($"ablation variant '{name}': {badBinBy}");
            if (variant.BinWeights is { } binWeights && Refusal(() => SubsetSelector.ParseBinWeights(binWeights)) is { } badBinWeights)
                fail($"ablation variant '{name}': {badBinWeights}");
            if (variant.ShareFill is { } shareFill && Refusal(() => SubsetSelector.ParseShareFill(shareFill)) is { } badShareFill)
                fail($"ablation variant '{name}': {badShareFill}");
            if (variant.RandomShare is { } share)
            {
                if (Refusal(() => SelectionOptions.CheckRandomShare(share)) is { } badShare) fail($"ablation variant '{name}': {badShare}");
                if (parsedStrategy is { } given && given != SelectionStrategy.ScoreRandom)
                    fail($"ablation variant '{name}': random_share is Score+Random's split of the budget; the row's strategy is {variant.Strategy}.");
            }
            if (variant.Settings.Count == 0 && variant.Strategy is null && variant.Bins is null && variant.BinBy is null && variant.RandomShare is null && variant.BinWeights is null
                && variant.ShareFill is null)
                fail($"ablation variant '{name}' changes nothing: give settings, strategy, bins, bin_by, bin_weights, share_fill or random_share.");
        }
        if (AblationBudgets.Any(b => b <= 0)) fail("ablation_budgets must be positive numbers.");
        if (AblationBudgets.Count > 0 && Ablation.Count == 0) fail("ablation_budgets is set but there is no ablation.");
    }

    /// <summary>A source-filter row draws from exactly one of: named pool sources, or files outside the pool; it has no scores to select by.</summary>
    private void ValidateSourceRow(string name, AblationConfig row, Action<string> fail)
    {
        if (row.Settings.Count > 0 || row.Strategy is not null || row.Bins is not null || row.BinBy is not null || row.RandomShare is not null
            || row.BinWeights is not null || row.ShareFill is not null)
            fail($"ablation variant '{name}': a {StudyMethods.SourceFilter.Name} row draws at random from its sources; settings, strategy, bins, bin_by, bin_weights, share_fill and random_share are for scored methods.");
        if ((row.Sources is null) == (row.Paths is null))
            fail($"ablation variant '{name}': a {StudyMethods.SourceFilter.Name} row needs exactly one of sources (pool source names) or paths (files outside the pool).");
        if (row.Sources is { } sources)
        {
            if (sources.Count == 0) fail($"ablation variant '{name}': sources is empty.");
            foreach (var s in sources.Where(s => Pool.All(p => p.Name != s)))
                fail($"ablation variant '{name}': sources names '{s}', which is no pool source ({string.Join(", ", Pool.Select(p => p.Name))}).");
            if (row.Max is not null) fail($"ablation variant '{name}': max goes with paths; a pool source's size is its own max.");
        }
        if (row.Paths is { Count: 0 }) fail($"ablation variant '{name}': paths is empty.");
        if (row.Max is < 0) fail($"ablation variant '{name}': max must be 0 (all) or more.");
    }

    /// <summary>The settings a method runs with: the study's method_settings, overridden by a variant's own settings.</summary>
    public IReadOnlyDictionary<string, string> SettingsFor(string method, AblationConfig? variant = null) => SettingsFor(method, variant?.Settings);

    /// <summary>The settings a method runs with: the study's method_settings, overridden by <paramref name="changed"/>.</summary>
    public IReadOnlyDictionary<string, string> SettingsFor(string method, IReadOnlyDictionary<string, string>? changed)
    {
        var settings = new Dictionary<string, string>(MethodSettings.GetValueOrDefault(method) ?? [], StringComparer.Ordinal);
        if (changed is not null)
            foreach (var (key, value) in changed) settings[key] = value;
        return settings;
    }

    /// <summary>As <see cref="SettingsFor(string, IReadOnlyDictionary{string, string})"/> without the selection settings: what the method's fit gets.</summary>
    public IReadOnlyDictionary<string, string> FitSettingsFor(string method, IReadOnlyDictionary<string, string>? changed = null) =>
        SettingsFor(method, changed).Where(kv => !SelectionSettings.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Score+Random's split for <paramref name="method"/>'s columns, when method_settings gives one.</summary>
    public double? RandomShareFor(string method) =>
        MethodSettings.GetValueOrDefault(method) is { } settings && settings.TryGetValue(RandomShareSetting, out var share) ? ParseRandomShare(share) : null;

    /// <summary>A random_share as written in a config: a number from 0 to 1.</summary>
    public static double ParseRandomShare(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var share)
            ? SelectionOptions.CheckRandomShare(share)
            : throw new ArgumentException($"random_share must be a number between 0 and 1 (got '{text}').");

    /// <summary>How the bins of <paramref name="method"/>'s columns share the scored budget, when method_settings gives it.</summary>
    public BinWeights? BinWeightsFor(string method) =>
        MethodSettings.GetValueOrDefault(method) is { } settings && settings.TryGetValue(BinWeightsSetting, out var w) ? SubsetSelector.ParseBinWeights(w) : null;

    /// <summary>What fills the random share of <paramref name="method"/>'s columns, when method_settings gives it.</summary>
    public ShareFill? ShareFillFor(string method) =>
        MethodSettings.GetValueOrDefault(method) is { } settings && settings.TryGetValue(ShareFillSetting, out var f) ? SubsetSelector.ParseShareFill(f) : null;

    /// <summary>The length the bins of <paramref name="method"/>'s columns cut on, when method_settings gives one.</summary>
    public BinLength? BinByFor(string method) =>
        MethodSettings.GetValueOrDefault(method) is { } settings && settings.TryGetValue(BinBySetting, out var by) ? SubsetSelector.ParseBinLength(by) : null;

    /// <summary>
    /// The column whose fit+score a settings-changing <paramref name="column"/> uses: the first ablation row (in the
    /// config's order) of the same method with the same changed settings, so rows that differ only in how they select
    /// (strategy, bins, random_share) share one fit. The column's own name when no earlier row matches.
    /// </summary>
    public string SettingsOwner(StudyMethod column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return FirstRowWith(column.Method, column.Settings, before: column.Name) ?? column.Name;
    }

    /// <summary>
    /// The first ablation row of <paramref name="method"/> whose settings are exactly <paramref name="settings"/> (a row
    /// that only changes the fit): the row whose fit a row with the same fit settings and score-time settings on top
    /// rescores. Null when no row has them.
    /// </summary>
    public string? FitOwner(string method, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return FirstRowWith(method, settings, before: null);
    }

    /// <summary>The first ablation row (in the config's order, up to the row named <paramref name="before"/>) of <paramref name="method"/> with exactly <paramref name="settings"/>.</summary>
    private string? FirstRowWith(string? method, IReadOnlyDictionary<string, string> settings, string? before)
    {
        foreach (var (name, variant) in Ablation)
        {
            if (name == before) break;
            if (variant.Method == method && variant.Settings.Count == settings.Count
                && variant.Settings.All(kv => settings.TryGetValue(kv.Key, out var v) && v == kv.Value))
                return name;
        }
        return null;
    }

    /// <summary>The study column called <paramref name="name"/>: an ablation row of this config, or a method or preset.</summary>
    public StudyMethod Column(string name) =>
        Ablation.TryGetValue(name, out var variant) ? variant.AsStudyMethod(name)
        : StudyMethods.Find(name) ?? throw new ArgumentException($"{SourcePath}: no method or ablation row named '{name}'.");

    /// <summary>The methods an ablation row can vary: the scored methods' own columns.</summary>
    private static IEnumerable<StudyMethod> VariableMethods => StudyMethods.MethodsThemselves.Where(m => m.Role == StudyRole.Selection);
}

/// <summary>
/// Reads a study config's <c>fields:</c> as <see cref="FieldMapping"/>: a scalar in the <c>--fields</c> syntax or a
/// mapping of key to column. A bad mapping is a <see cref="YamlException"/> at its place in the file.
/// </summary>
internal sealed class FieldMappingYamlConverter : IYamlTypeConverter
{
    public bool Accepts(Type type) => type == typeof(FieldMapping);

    public object? ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer)
    {
        var start = parser.Current?.Start ?? Mark.Empty;
        try
        {
            if (parser.TryConsume<Scalar>(out var scalar))
                return FieldMapping.Parse(scalar.Value);
            if (parser.TryConsume<MappingStart>(out _))
            {
                var pairs = new List<(string, string)>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = parser.Consume<Scalar>().Value;
                    var column = parser.TryConsume<Scalar>(out var value) ? value.Value
                        : key.Trim() == "tag_names" && parser.TryConsume<SequenceStart>(out _) ? TagNameList(parser)
                        : throw new FormatException($"fields: the column of '{key}' must be a plain name.");
                    pairs.Add((key, column));
                }

                return FieldMapping.FromPairs(pairs, string.Join(",", pairs.Select(p => $"{p.Item1}={p.Item2}")));
            }
        }
        catch (FormatException e)
        {
            throw new YamlException(start, parser.Current?.End ?? start, e.Message, e);
        }

        var wrong = new FormatException("fields: expected prompt=COL,completion=COL or a mapping such as { prompt: question, completion: answer }.");
        throw new YamlException(start, parser.Current?.End ?? start, wrong.Message, wrong);
    }

    /// <summary><c>tag_names: [O, B-PER, I-PER]</c> as the '|'-separated text <see cref="FieldMapping"/> reads.</summary>
    private static string TagNameList(IParser parser)
    {
        var names = new List<string>();
        while (!parser.TryConsume<SequenceEnd>(out _))
            names.Add(parser.TryConsume<Scalar>(out var name) ? name.Value : throw new FormatException("fields: tag_names must be a list of plain names."));
        return string.Join("|", names);
    }

    public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer) =>
        emitter.Emit(new Scalar(value?.ToString() ?? ""));
}
