namespace Winnow.Bench;

/// <summary>Settings of one cost run (issue #8, part 3): which pool sizes, which method settings, where results go.</summary>
public sealed record CostSettings
{
    public IReadOnlyList<int> Sizes { get; init; } = [1000, 10000];

    /// <summary>Pool sizes LESS runs at (a subset of <see cref="Sizes"/>; LESS at its defaults is slow on 2 cores).</summary>
    public IReadOnlyList<int> LessSizes { get; init; } = [1000, 10000];

    /// <summary>Pool sizes ToV runs at (all of <see cref="Sizes"/> unless narrowed, e.g. to add one method's run with --append).</summary>
    public IReadOnlyList<int>? TovSizes { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int ScoreBatch { get; init; } = 32;
    public IReadOnlyDictionary<string, string> TovSettings { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> LessSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether to run the before/after ablations (score batch 64, 1 thread, projection batch) at the smallest size.</summary>
    public bool Ablations { get; init; } = true;

    /// <summary>Also re-score on 1 thread (meaningless while other processes load the machine, so off unless asked).</summary>
    public bool ThreadAblation { get; init; }
    public int PretrainSteps { get; init; } = 200;

    /// <summary>
    /// "minilm-l6": the real encoder on the ner-music-large study's pool, target (CrossNER music dev) and label map
    /// (issue 15); null: the tiny BERT pre-trained here on the sample pool (issue 8).
    /// </summary>
    public string? Encoder { get; init; }

    public int Seed { get; init; }
}
