using System.Diagnostics;
using System.Globalization;
using Winnow.Experiments;
using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Core.IO;
using Winnow.Core.Progress;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Core.Statistics;
using Winnow.Torch.FineTuning;
using Winnow.Torch.Methods;
using Winnow.Torch.Modeling.Catalog;
using Winnow.Torch.Pretraining;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;

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
}
