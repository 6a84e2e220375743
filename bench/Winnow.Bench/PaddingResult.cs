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

/// <summary>Padding share of ToV scoring batches as the scorer forms them (LengthBucketer per 2048-example chunk, no shuffle).</summary>
public sealed record PaddingResult(int PoolSize, int BatchSize, double PaddingFraction, double MeanLength);
