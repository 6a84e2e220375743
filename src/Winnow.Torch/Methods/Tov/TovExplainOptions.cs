namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// How an explanation computes φ. Each unset value comes from the score file's footer (what it was scored with), then
/// from the run's manifest (files written before the footer recorded it), so by default the explanation matches the file.
/// </summary>
public sealed record TovExplainOptions
{
    public ScoreTransform? Transform { get; init; }
    public TovAggregation? Aggregation { get; init; }
    public int? SkipEpochs { get; init; }
}
