using System.Text.RegularExpressions;
using Winnow.Core.Selection;
using Winnow.Experiments;
using Winnow.Methods;
using Winnow.Torch.Methods;
using Winnow.Torch.Tests.TestSupport;

namespace Winnow.Torch.Tests.Methods;

/// <summary>
/// What the runner, CLI and report ask a method or a study column instead of matching names (docs/design.md,
/// "Study methods"), and the rule that no method reaches into another.
/// </summary>
public sealed class MethodTraitsTests
{
    [Fact]
    public void Every_registered_method_is_a_study_column_of_its_own_name_and_every_scored_column_is_registered()
    {
        foreach (var name in SelectionMethods.Names)
            Assert.True(StudyMethods.Find(name) is { IsMethodItself: true }, $"{name} has no study column of its own");
        foreach (var column in StudyMethods.All.Where(c => c.IsScored))
            Assert.True(SelectionMethods.TryGet(column.Method, out _), $"{column.Name} selects from '{column.Method}', which is not registered");
    }

    [Fact]
    public void Presets_are_their_method_with_the_selection_changed()
    {
        Assert.Equal("tov", StudyMethods.TovScoreOnly.Method);
        Assert.Equal(SelectionStrategy.ScoreOnly, StudyMethods.TovScoreOnly.Strategy);
        Assert.Equal("tov", StudyMethods.CostName("tov-score-only"));
        Assert.False(StudyMethods.SourceFilter.IsScored);
        Assert.Equal(StudyRole.Control, StudyMethods.SourceFilter.Role);
        Assert.True(StudyMethods.IsBaseline("random"));
        Assert.Single(StudyMethods.All, c => c.Role == StudyRole.Baseline);
    }

    [Fact]
    public void Traits_live_on_the_methods()
    {
        Assert.True(SelectionMethods.Get("dsir").SeedFree);
        Assert.All(SelectionMethods.Names.Where(n => n != "dsir"), n => Assert.False(SelectionMethods.Get(n).SeedFree));
        Assert.False(SelectionMethods.Get("tsds").Shardable);
        Assert.All(SelectionMethods.Names.Where(n => n != "tsds"), n => Assert.True(SelectionMethods.Get(n).Shardable));
        Assert.Equal(["aggregate", "skip_epochs", "transform"], SelectionMethods.Get("tov").ScoreTimeSettings.Order(StringComparer.Ordinal));
        Assert.False(SelectionMethods.Get("random").NeedsModel);
        Assert.Equal(1, SelectionMethods.Get("less").DefaultBins);
    }

    [Fact]
    public void No_method_uses_another_methods_code()
    {
        // Methods with tensors live in Winnow.Torch, those without in Winnow.Methods; a folder may be in both (Baselines).
        string[] roots = [Path.Combine(RepoPaths.Root, "src", "Winnow.Torch", "Methods"), Path.Combine(RepoPaths.Root, "src", "Winnow.Methods")];
        string[] folders = ["Tov", "Less", "Tsds", "Dsir", "Baselines"];
        var found = new List<string>();
        foreach (var folder in folders)
        {
            var files = roots.Select(r => Path.Combine(r, folder)).Where(Directory.Exists)
                .SelectMany(d => Directory.EnumerateFiles(d, "*.cs")).ToList();
            Assert.True(files.Count > 0, $"no method folder {folder} under {string.Join(" or ", roots)}");
            foreach (var file in files)
            {
                var text = File.ReadAllText(file);
                foreach (var other in folders.Where(o => o != folder))
                    if (Regex.IsMatch(text, $@"\bMethods\.{other}\b|[^\w.]{other}\.[A-Z]"))
                        found.Add($"{folder}/{Path.GetFileName(file)} uses {other}");
            }
        }
        Assert.Empty(found);
    }

    [Fact]
    public void The_registry_wrapper_passes_every_trait_of_the_method_through()
    {
        // The registry wraps each method (one process at a time); a trait the wrapper does not implement would silently
        // read as the interface's default instead of the method's own.
        var wrapper = typeof(SelectionMethods).GetNestedTypes(System.Reflection.BindingFlags.NonPublic).Single(t => typeof(ISelectionMethod).IsAssignableFrom(t));
        var map = wrapper.GetInterfaceMap(typeof(ISelectionMethod));
        var inherited = map.TargetMethods.Where(m => m.DeclaringType != wrapper).Select(m => m.Name).ToList();
        Assert.True(inherited.Count == 0, "not passed through: " + string.Join(", ", inherited));
        Assert.NotEmpty(SelectionMethods.Get("tov").DefaultChanges);
    }

    /// <summary>
    /// ToV's validation step changed for instruction tuning only: a begun NER study is made the same way under the new
    /// default and need not pin it, an instruction study must, and a pin of either value settles it.
    /// </summary>
    [Fact]
    public void The_validation_step_change_applies_to_instruction_studies_only()
    {
        // Two changes: AdamW → preconditioned (2026-12-02), preconditioned → matched (2026-12-03).
        var changes = SelectionMethods.Get("tov").DefaultChanges.Where(c => c.Key == "val_step").ToArray();
        Assert.Equal(["adam", "preconditioned"], changes.Select(c => c.Previous));
        var none = new Dictionary<string, string>();
        foreach (var change in changes)
        {
            Assert.False(change.AppliesTo(Winnow.Core.Data.TaskKind.Ner, none));
            Assert.True(change.AppliesTo(Winnow.Core.Data.TaskKind.Instruction, none));
            Assert.False(change.AppliesTo(Winnow.Core.Data.TaskKind.Instruction, new Dictionary<string, string> { ["val_step"] = "adam" }));
        }
        // Changes without a task apply to both.
        var batches = SelectionMethods.Get("tov").DefaultChanges.Single(c => c.Key == "batches");
        Assert.True(batches.AppliesTo(Winnow.Core.Data.TaskKind.Ner, none) && batches.AppliesTo(Winnow.Core.Data.TaskKind.Instruction, none));
    }
}
