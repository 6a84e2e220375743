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

/// <summary>A training step's tokens/s and where its time goes.</summary>
public sealed record EncoderTrainResult(
    string Mode, string Batches, int Threads, int Steps, long RealTokens, long PaddedTokens, double Seconds,
    double ForwardSeconds, double BackwardSeconds, double OptimizerSeconds, long TrainableParameters)
{
    public double TokensPerSecond => RealTokens / Seconds;
    public double PaddingFraction => 1 - (double)RealTokens / PaddedTokens;
}
