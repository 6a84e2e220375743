namespace Winnow.Torch.Experiments;

/// <summary>Where a study runs: its results folder, the model cache and the shared data (for the default pre-training corpus).</summary>
public sealed record ExperimentRunOptions(string ResultsDirectory, string CacheDirectory, string SharedData)
{
    public int ScoreBatchSize { get; init; } = 32;

    /// <summary>
    /// Run only these methods and ablation rows (empty = all): to get an answer from a few rows first and add the
    /// others later into the same results folder. A name the config does not have is refused.
    /// </summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>
    /// Run only these of the config's seeds (empty = all): so that two processes can share one study's seeds, each in
    /// its own copy of the results folder. A seed the config does not have is refused.
    /// </summary>
    public IReadOnlyList<int> Seeds { get; init; } = [];
}
