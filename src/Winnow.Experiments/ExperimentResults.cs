using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.IO;

namespace Winnow.Experiments;

/// <summary>A results folder read back: the study, its finished cells and the methods' costs.</summary>
public sealed record ExperimentResults(string Directory, StudyInfo Study, IReadOnlyList<CellResult> Cells, IReadOnlyList<ArtifactCost> Costs)
{
    /// <summary>Each subset's composition (<c>subsets/*.composition.json</c>) by cell key; empty where none were computed.</summary>
    public IReadOnlyDictionary<string, SetComposition> Compositions { get; init; } = new Dictionary<string, SetComposition>();

    /// <summary>
    /// Random's cells at the study's baseline budgets only (<see cref="StudyInfo.BaselineBudgets"/>): kept apart from
    /// <see cref="Cells"/> so that means, charts and compositions over a method's cells stay over the study's budgets;
    /// read by the "at n against random at 2n" comparison (<see cref="PairedGain.OverDoubledRandom"/>).
    /// </summary>
    public IReadOnlyList<CellResult> BaselineCells { get; init; } = [];

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
        var all = Files(directory, "cells", "*.json").Select(Read<CellResult>).ToList();
        bool extra(CellResult c) => StudyMethods.IsBaseline(c.Method) && study.BaselineBudgets.Contains(c.Budget) && !study.Budgets.Contains(c.Budget);
        var cells = all.Where(c => !extra(c)).ToList();
        var costs = Files(directory, "artifacts", "cost.json").Select(Read<ArtifactCost>).ToList();
        var compositions = Files(directory, "subsets", "*.composition.json").Select(Read<SetComposition>)
            .ToDictionary(c => c.Set, StringComparer.Ordinal);
        var dataFile = SetComposition.DataFile(directory);
        var data = File.Exists(dataFile) ? Read<List<SetComposition>>(dataFile) : [];
        return new ExperimentResults(Path.GetFullPath(directory), study, cells, costs) { Compositions = compositions, DataCompositions = data, BaselineCells = all.Where(extra).ToList() };
    }

    private static IEnumerable<string> Files(string directory, string folder, string pattern)
    {
        var path = Path.Combine(directory, folder);
        return System.IO.Directory.Exists(path)
            ? System.IO.Directory.EnumerateFiles(path, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];
    }
}
