using System.Diagnostics;
using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Runs;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tokenization;
using Winnow.Torch.Training;

namespace Winnow.Torch.Pretraining;

/// <summary>Thrown when a stopped run's folder is in the way of a new one, or is being used by another process.</summary>
public sealed class PretrainRunException(string message) : Exception(message);
