using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.IO;

namespace Winnow.Experiments;

/// <summary>What a results folder holds about its study (<c>study.json</c>), written when the run starts.</summary>
public sealed record StudyInfo(
    string Name,
    string Task,
    string ConfigHash,
    string ConfigPath,
    IReadOnlyList<string> Methods,
    IReadOnlyList<int> Budgets,
    IReadOnlyList<int> Seeds,
    IReadOnlyDictionary<string, int> PoolSizes,
    int TargetSize,
    int TestSize,
    string BaseModel,
    string Machine,
    string Started)
{
    /// <summary>The ablation variants (empty for studies without one, and for results written before ablations existed).</summary>
    public IReadOnlyList<AblationInfo> Ablation { get; init; } = [];

    public IReadOnlyList<int> AblationBudgets { get; init; } = [];

    /// <summary>The pool sources the <c>source-filter</c> control draws from (empty for studies recorded before it was kept).</summary>
    public IReadOnlyList<string> SourceFilter { get; init; } = [];

    /// <summary><see cref="ExperimentConfig.CellsHash"/>; null for results written before it was kept.</summary>
    public string? CellsHash { get; init; }
}

/// <summary>An ablation variant as recorded with results: its name, base method and what it changes.</summary>
public sealed record AblationInfo(string Name, string Method, string Changes);

/// <summary>One finished cell (method × budget × seed): <c>cells/&lt;key&gt;.json</c>.</summary>
public sealed record CellResult(
    string Method,
    int Budget,
    int Seed,
    int Selected,
    IReadOnlyDictionary<string, int> BySource,
    double TestLoss,
    double TestLossStdErr,
    double? F1,
    double? Precision,
    double? Recall,
    double SelectSeconds,
    double FinetuneSeconds,
    string Artifact)
{
    public string Key => CellKey(Method, Budget, Seed);

    /// <summary>The epoch whose weights were judged, when the study picks it on validation.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? KeptEpoch { get; init; }

    /// <summary>Validation loss after each epoch, when the study has a validation slice.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? ValidationLosses { get; init; }

    public static string CellKey(string method, int budget, int seed) => $"{method}__b{budget}__s{seed}";
}

/// <summary>The cost of one method's fit+score (<c>artifacts/&lt;key&gt;/cost.json</c>), measured in the run that made it.</summary>
public sealed record ArtifactCost(string Method, string Key, double FitSeconds, double ScoreSeconds, long BytesOnDisk, string ScoresPath)
{
    public double Seconds => FitSeconds + ScoreSeconds;
}

/// <summary>A results folder read back: the study, its finished cells and the methods' costs.</summary>
public sealed record ExperimentResults(string Directory, StudyInfo Study, IReadOnlyList<CellResult> Cells, IReadOnlyList<ArtifactCost> Costs)
{
    /// <summary>Each subset's composition (<c>subsets/*.composition.json</c>) by cell key; empty where none were computed.</summary>
    public IReadOnlyDictionary<string, SetComposition> Compositions { get; init; } = new Dictionary<string, SetComposition>();

    /// <summary>The test, target, validation and pool compositions (<c>data/composition.json</c>); empty where not computed.</summary>
    public IReadOnlyList<SetComposition> DataCompositions { get; init; } = [];

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public const string StudyFile = "study.json";

    public static void Write<T>(string path, T value)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteText(path, w => w.Write(JsonSerializer.Serialize(value, Json) + "\n"));
    }

    public static T Read<T>(string path) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty JSON.");

    public static ExperimentResults Load(string directory)
    {
        var studyPath = Path.Combine(directory, StudyFile);
        if (!File.Exists(studyPath)) throw new FileNotFoundException($"{directory} is no experiment results folder (no {StudyFile}).");
        var study = Read<StudyInfo>(studyPath);
        var cells = Files(directory, "cells", "*.json").Select(Read<CellResult>).ToList();
        var costs = Files(directory, "artifacts", "cost.json").Select(Read<ArtifactCost>).ToList();
        var compositions = Files(directory, "subsets", "*.composition.json").Select(Read<SetComposition>)
            .ToDictionary(c => c.Set, StringComparer.Ordinal);
        var dataFile = SetComposition.DataFile(directory);
        var data = File.Exists(dataFile) ? Read<List<SetComposition>>(dataFile) : [];
        return new ExperimentResults(Path.GetFullPath(directory), study, cells, costs) { Compositions = compositions, DataCompositions = data };
    }

    private static IEnumerable<string> Files(string directory, string folder, string pattern)
    {
        var path = Path.Combine(directory, folder);
        return System.IO.Directory.Exists(path)
            ? System.IO.Directory.EnumerateFiles(path, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];
    }
}
