using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<long>;
using TorchSharp;
using Winnow.Core.Data;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Modeling.Catalog;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Winnow.Bench;

/// <summary>One component of an evaluation pass timed on its own at the pass's shapes (seconds per pass over the sentences).</summary>
public sealed record EncoderComponent(string Name, int Threads, double SecondsPerPass);
