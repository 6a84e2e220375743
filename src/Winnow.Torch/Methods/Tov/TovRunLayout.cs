using Winnow.Core.Runs;
using Winnow.Torch.Methods.Common;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// Where a ToV run keeps its files beside its manifest (which only <see cref="RunFolder"/> reads and writes):
/// <code>
/// RUN/manifest.json           the run's manifest; ToV's state: per-epoch learning rates, progress, auto's choice
/// RUN/base-set.txt            U's keys, one "source TAB id" per line
/// RUN/labels.json             NER only: the label set the head was trained on
/// RUN/epochs/K/base/          θ_bas^k adapter (adapter_model.safetensors + adapter_config.json)
/// RUN/epochs/K/val/           θ_val^k adapter
/// RUN/epochs/K/trainer/       optimizer + schedule state after epoch k, for resuming
/// RUN/auto/                   with auto: one ToV run per ε on part of the target (eps-*/), and choice.json
/// RUN/fits/I/                 with fits: k &gt; 1, fit I's own ToV run (I = 1 … k−1; fit 0 is RUN itself)
/// </code>
/// </summary>
public sealed record TovRunLayout(string Root)
{
    /// <summary>What a run writes (the scores a pipeline writes beside it included): what --force removes.</summary>
    public static IReadOnlyList<string> Files { get; } =
        [RunFolder.ManifestFileName, "base-set.txt", "labels.json", "epochs", "auto", "auto-aggregate", "fits", Core.Scoring.ScoreFile.DefaultFileName];

    public RunFolder Folder => new(Root);
    public string BaseSetFile => Path.Combine(Root, "base-set.txt");
    public string LabelsFile => Path.Combine(Root, "labels.json");
    public string EpochsDirectory => Path.Combine(Root, "epochs");

    /// <summary>RUN/auto/: <see cref="TovAuto"/>'s probe runs (eps-*/) and choice.json.</summary>
    public string AutoDirectory => Path.Combine(Root, "auto");

    /// <summary>Where <see cref="TovAutoAggregate"/> keeps its probe fit and its choice.</summary>
    public string AutoAggregateDirectory => Path.Combine(Root, "auto-aggregate");
    /// <summary>RUN/fits/: the further fits of an ensemble (<see cref="TovFitOptions.Fits"/>).</summary>
    public string FitsDirectory => Path.Combine(Root, "fits");

    /// <summary>Fit <paramref name="fit"/>'s run folder: RUN itself for fit 0, RUN/fits/I otherwise.</summary>
    public string FitDirectory(int fit) => fit == 0 ? Root : Path.Combine(FitsDirectory, fit.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public string EpochDirectory(int k) => Path.Combine(EpochsDirectory, k.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public string BaseAdapter(int k) => Path.Combine(EpochDirectory(k), "base");
    public string ValAdapter(int k) => Path.Combine(EpochDirectory(k), "val");
    public string TrainerState(int k) => Path.Combine(EpochDirectory(k), "trainer");

    /// <summary>Both adapters of epoch k are written (the trainer state is kept for the newest epoch only).</summary>
    public bool EpochComplete(int k) =>
        File.Exists(Path.Combine(BaseAdapter(k), Modeling.Lora.AdapterWeightsFile))
        && File.Exists(Path.Combine(ValAdapter(k), Modeling.Lora.AdapterWeightsFile));

    public bool HasTrainerState(int k) => File.Exists(Path.Combine(TrainerState(k), Training.Trainer.StateFileName));

    /// <summary>Base-set keys as <see cref="Key"/> gives them.</summary>
    public HashSet<string> ReadBaseSet() => KeyFile.ReadKeys(BaseSetFile);

    public void WriteBaseSet(IEnumerable<string> keys) => KeyFile.WriteKeys(BaseSetFile, keys);
}
