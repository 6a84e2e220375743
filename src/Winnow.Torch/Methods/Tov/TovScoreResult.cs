using System.Diagnostics;
using System.Globalization;
using Winnow.Core.Data;
using Winnow.Core.Runs;
using Winnow.Core.Scoring;
using Winnow.Core.Sharding;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;

using Winnow.Torch.Methods.Common;

namespace Winnow.Torch.Methods.Tov;

/// <summary>A written score file.</summary>
public sealed record TovScoreResult(string OutputPath, int Rows, int Scored, int InBase, int NotEncodable, double Seconds)
{
    public double ExamplesPerSecond => Seconds > 0 ? Rows / Seconds : 0;
}
