namespace Winnow.Experiments;

/// <summary>
/// The answer a study gives, computed from its cells: the method with the highest paired gain over random (of the
/// study's methods, ablation variants aside), that gain with its 95% interval, its entity F1 beside random's (NER),
/// and how it compares with the source-filter control (paired, same budget and seed) where the study has one.
/// </summary>
public sealed record StudyAnswer(
    string Study,
    string Task,
    int PoolRows,
    int PoolSources,
    IReadOnlyList<string> FilterSources,
    int FilterRows,
    PairedGain? Best,
    double? BestF1,
    double? RandomF1,
    PairedGain? SourceFilter,
    PairedGain? BestOverSourceFilter)
{
    public static StudyAnswer Of(ExperimentResults r)
    {
        var gains = r.Study.Methods.Where(m => !StudyMethods.IsBaseline(m)).Select(m => PairedGain.Of(r, m)).OfType<PairedGain>().ToList();
        // Highest mean; on a tie, the one measured on more pairs.
        var best = gains.OrderByDescending(g => g.Mean).ThenByDescending(g => g.Pairs).FirstOrDefault();
        double? F1(string? method)
        {
            var f1 = r.Cells.Where(c => c.Method == method && c.F1 is not null).Select(c => c.F1!.Value).ToList();
            return f1.Count > 0 ? f1.Average() : null;
        }
        var filter = ExperimentReport.InDomainSources(r);
        var sourceFilter = gains.FirstOrDefault(g => g.Method == StudyMethods.SourceFilter.Name);
        return new StudyAnswer(r.Study.Name, r.Study.Task, r.Study.PoolSizes.Values.Sum(), r.Study.PoolSizes.Count, filter,
            filter.Sum(s => r.Study.PoolSizes.GetValueOrDefault(s)), best, F1(best?.Method), F1(StudyMethods.Random.Name), sourceFilter,
            best is not null && sourceFilter is not null && best.Method != StudyMethods.SourceFilter.Name ? PairedGain.Against(r, best.Method, StudyMethods.SourceFilter.Name) : null);
    }
}
