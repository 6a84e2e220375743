using Winnow.Core.IO;
using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using Winnow.Torch.Modeling;
using Winnow.Torch.Runtime;
using static TorchSharp.torch;

namespace Winnow.Torch.Training;

/// <summary>Passed to <see cref="Trainer.Fit"/>'s epoch callback after each epoch.</summary>
public sealed record EpochEnd(int Epoch, EpochResult Result, Trainer Trainer);
