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

/// <summary>Progress of scoring: pool rows done so far and the rate.</summary>
public sealed record TovScoreProgress(int Rows, int Scored, double ExamplesPerSecond);
