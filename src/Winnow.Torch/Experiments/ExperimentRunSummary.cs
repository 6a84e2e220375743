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

/// <summary>How many cells a run computed and how many it found finished.</summary>
public sealed record ExperimentRunSummary(string ResultsDirectory, int CellsTotal, int CellsComputed, int CellsReused);
