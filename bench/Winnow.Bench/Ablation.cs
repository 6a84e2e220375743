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

/// <summary>A before/after of one bench-side setting.</summary>
public sealed record Ablation(string Name, string Before, string After, double BeforeSeconds, double AfterSeconds, string Note);
