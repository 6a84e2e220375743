namespace Winnow.Experiments;

/// <summary>An entity span over word positions [Start, End) with its type.</summary>
public readonly record struct EntitySpan(int Start, int End, string Type);
