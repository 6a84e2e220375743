using Winnow.Core.Selection;

namespace Winnow.Experiments;

/// <summary>
/// The columns a study can name in <c>methods:</c>: each registered selection method under its own name, plus the
/// presets built on them (<c>tov-score-only</c>: ToV with Score-Only) and the <c>source-filter</c> control. Their order
/// fixes each column's colour in every report. The runner, config and report ask these instead of matching names
/// (docs/design.md, "Study methods").
/// </summary>
public static class StudyMethods
{
    /// <summary>Uniform selection: the baseline of every gain.</summary>
    public static StudyMethod Random { get; } = new("random") { Method = "random", Role = StudyRole.Baseline };

    /// <summary>The control: random examples from the config's <c>source_filter</c> pool sources only.</summary>
    public static StudyMethod SourceFilter { get; } = new("source-filter") { Role = StudyRole.Control };

    public static StudyMethod Tov { get; } = Own("tov");

    /// <summary>ToV's fit and scores with Score-Only selection (all of the budget from the binned top scores).</summary>
    public static StudyMethod TovScoreOnly { get; } = new("tov-score-only") { Method = "tov", Strategy = SelectionStrategy.ScoreOnly };

    public static StudyMethod Less { get; } = Own("less");

    /// <summary>Every column, in colour order.</summary>
    public static IReadOnlyList<StudyMethod> All { get; } =
        [Random, SourceFilter, Own("uncertainty"), Less, Own("tsds"), Own("dsir"), Tov, TovScoreOnly];

    public static IReadOnlyList<string> Names { get; } = All.Select(m => m.Name).ToArray();

    /// <summary>The column called <paramref name="name"/>, or null.</summary>
    public static StudyMethod? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    /// <summary>Whether <paramref name="name"/> is the column every gain is measured against.</summary>
    public static bool IsBaseline(string name) => Find(name)?.Role == StudyRole.Baseline;

    /// <summary>The name whose fit+score cost a column is charged (its method's, for a preset that only changes selection).</summary>
    public static string CostName(string name) => Find(name)?.CostName ?? name;

    /// <summary>Whether <paramref name="name"/> selects from <paramref name="method"/>'s scores (the method itself or a preset of it).</summary>
    public static bool UsesMethod(string name, StudyMethod method) => Find(name)?.Method is { } m && m == method.Method;

    /// <summary>The registered methods' own columns: where <c>method_settings</c> go and what an ablation row varies.</summary>
    public static IEnumerable<StudyMethod> MethodsThemselves => All.Where(m => m.IsMethodItself);

    private static StudyMethod Own(string method) => new(method) { Method = method };
}
