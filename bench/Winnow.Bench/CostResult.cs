using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TorchSharp;
using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Less;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Pretraining;
using Winnow.Torch.Tasks;
using static TorchSharp.torch;

using Winnow.Torch.Methods.Common;
using Winnow.Torch.Modeling;

namespace Winnow.Bench;

/// <summary>One method at one pool size: seconds and bytes per stage, as measured here and as the method reports them.</summary>
public sealed record CostResult(
    string Method, int PoolSize, double FitSeconds, double ScoreSeconds, long FitBytes, long ScoreBytes,
    long ReportedFitBytes, long ReportedScoreBytes, int Scored, IReadOnlyDictionary<string, string> Settings,
    double FitCpuSeconds, double ScoreCpuSeconds, string LoadAverage)
{
    public double TotalSeconds => FitSeconds + ScoreSeconds;
    public long TotalBytes => FitBytes + ScoreBytes;
}
