namespace Winnow.Torch.Pretraining;

/// <summary>
/// How one call of <see cref="Pretrainer.Run"/> goes about its work. None of it is part of the model's cache key: a
/// run resumed three times and an uninterrupted one give the same model in the same folder.
/// </summary>
public sealed record PretrainRunSettings
{
    /// <summary>Continue the stopped run of the same corpus and options from its last checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>A checkpoint (model, optimizer, data position, RNG) at least this often; 300 s by default.</summary>
    public double CheckpointEverySeconds { get; init; } = 300;

    /// <summary>Also a checkpoint every this many steps (tests use it to stop at a known point); null for none.</summary>
    public int? CheckpointEverySteps { get; init; }

    /// <summary>Held-out probe loss every this many steps; null: ten points over the run.</summary>
    public int? EvalEverySteps { get; init; }

    /// <summary>Held-out examples in the probe the curve is measured on (the final loss uses all of them).</summary>
    public int EvalProbeExamples { get; init; } = 64;

    /// <summary>
    /// Held-out examples in the loss reported before and after training (the first ones of the held-out set, so every
    /// run measures the same): on the full instruction corpus all of them would be ~1M tokens, an hour of forward
    /// passes for the larger presets on one core.
    /// </summary>
    public int EvalReportExamples { get; init; } = 512;

    /// <summary>
    /// Folders of base models committed with Winnow (<c>models/pretrained/</c> in the repository, copied beside the
    /// binaries): a cache miss whose folder name (family, preset and the corpus-and-options hash) is found in one of
    /// them is copied from there instead of pre-trained, so a fresh clone's instruction studies do not spend hours
    /// first. The name is the same cache key, so only a model of the very same corpus and options is ever taken.
    /// </summary>
    public IReadOnlyList<string> CommittedModelFolders { get; init; } = [DefaultCommittedModels];

    /// <summary>Where the build puts the repository's <c>models/pretrained/</c>.</summary>
    public static string DefaultCommittedModels => Path.Combine(AppContext.BaseDirectory, "models", "pretrained");

    public PretrainRunSettings Validate()
    {
        if (!(CheckpointEverySeconds > 0)) throw new ArgumentOutOfRangeException(nameof(CheckpointEverySeconds), CheckpointEverySeconds, "Must be positive.");
        if (CheckpointEverySteps is < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointEverySteps), CheckpointEverySteps, "Must be >= 1.");
        if (EvalEverySteps is < 1) throw new ArgumentOutOfRangeException(nameof(EvalEverySteps), EvalEverySteps, "Must be >= 1.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EvalProbeExamples, nameof(EvalProbeExamples));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EvalReportExamples, nameof(EvalReportExamples));
        return this;
    }
}
