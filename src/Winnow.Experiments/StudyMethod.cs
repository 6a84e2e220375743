using Winnow.Core.Selection;

namespace Winnow.Experiments;

/// <summary>
/// One column of a study: which registered selection method's scores a cell selects from, and what it changes about
/// the method's selection. A registered method is the column of its own name; the built-in presets
/// (<see cref="StudyMethods"/>) and a config's ablation rows are the same thing with a strategy, bins or settings
/// changed. Tensor-free, so the study config and report read it without the methods themselves.
/// </summary>
/// <param name="Name">The column's name in configs, cells and reports.</param>
public sealed record StudyMethod(string Name)
{
    /// <summary>The registered method whose fit and scores the column uses; null for a control that draws without scores.</summary>
    public string? Method { get; init; }

    public StudyRole Role { get; init; } = StudyRole.Selection;

    /// <summary>The selection strategy, when not the method's own default.</summary>
    public SelectionStrategy? Strategy { get; init; }

    /// <summary>The number of length bins, when not the method's own default.</summary>
    public int? Bins { get; init; }

    /// <summary>The length the bins cut on, when not the method's own default.</summary>
    public BinLength? BinBy { get; init; }

    /// <summary>Score+Random's share of the budget drawn from the base set, when not the paper's half.</summary>
    public double? RandomShare { get; init; }

    /// <summary>How the length bins share the scored budget, when not the method's own default.</summary>
    public BinWeights? BinWeights { get; init; }

    /// <summary>What fills Score+Random's random share, when not the method's own default.</summary>
    public ShareFill? ShareFill { get; init; }

    /// <summary>Settings changed from the study's method_settings for <see cref="Method"/> (ablation rows).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether this is a registered method's own column, the one its <c>method_settings</c> are given under.</summary>
    public bool IsMethodItself => Method == Name;

    /// <summary>Whether cells select from a method's scores (every column but a control).</summary>
    public bool IsScored => Method is not null;

    /// <summary>
    /// The name whose fit+score cost the column is charged: its method's when it changes only the selection (a preset),
    /// its own otherwise.
    /// </summary>
    public string CostName => Method is { } m && Settings.Count == 0 ? m : Name;
}
