namespace Winnow.Experiments;

/// <summary>
/// One figure the ToV paper reports, as the project's README quotes it, which a study can mirror: the report puts
/// Winnow's own measurement beside it wherever a study has what the claim needs (the task, ToV, LESS and their costs).
/// These are the paper's numbers, not Winnow's: they are the only constants in the report.
/// </summary>
public sealed record PaperClaim(string Claim, string? Task, PaperMeasure Measure, double Low, double High, string PaperText)
{
    public static readonly IReadOnlyList<PaperClaim> ToV =
    [
        new("instruction tuning: ToV's gain over random", "instruct", PaperMeasure.GainOverRandom, 5, 10, "+5 to +10%"),
        new("NER: ToV's gain over random", "ner", PaperMeasure.GainOverRandom, 0, 30, "up to +30%"),
        new("ToV faster than LESS (fit+score time)", null, PaperMeasure.TimeVsLess, 2, 6, "2–6× less time"),
        new("ToV smaller than LESS on disk", null, PaperMeasure.DiskVsLess, 2.5, 16, "2.5–16× less disk"),
    ];
}
