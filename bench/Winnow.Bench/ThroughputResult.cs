using System.Diagnostics;
using System.Globalization;
using System.Text;
using TorchSharp;
using Winnow.Core.Data;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tokenization;
using Winnow.Torch.Training;
using static TorchSharp.torch;

namespace Winnow.Bench;

public sealed record ThroughputResult(
    string Family, string Mode, int Threads, int Examples, long RealTokens, long PaddedTokens, double Seconds,
    double TokensPerSecond, double GflopsPerSecond, double PaddingFraction, int ForwardsPerBatch);
