namespace Winnow.Experiments;

/// <summary>One line of the paper comparison: a paper figure and Winnow's measurement of the same thing in one study.</summary>
public sealed record PaperComparison(PaperClaim Claim, string Study, string Method, double Value, double Low, double High, string Winnow, string Verdict);
