namespace Winnow.Experiments;

/// <summary>An ablation variant as recorded with results: its name, base method and what it changes.</summary>
public sealed record AblationInfo(string Name, string Method, string Changes);
