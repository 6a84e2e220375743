using System.Diagnostics;
using System.Globalization;
using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Core.Runs;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Torch.Methods.Common;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;
using static TorchSharp.torch;

namespace Winnow.Torch.Methods.Less;

/// <summary>Per checkpoint i, the mean target feature of each subtask, [subtask × d] row-major.</summary>
internal sealed record SubtaskCentroids(string[] Subtasks, float[][] PerCheckpoint, int Dimension);
