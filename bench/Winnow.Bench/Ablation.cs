namespace Winnow.Bench;

/// <summary>A before/after of one bench-side setting.</summary>
public sealed record Ablation(string Name, string Before, string After, double BeforeSeconds, double AfterSeconds, string Note);
