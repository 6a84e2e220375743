using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using Winnow.Core.Data;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Runtime;

namespace Winnow.Bench;

/// <summary>Resident memory while ToV scores a pool: one sample per finished chunk.</summary>
public sealed record RssSample(int Rows, double Seconds, double CpuSeconds, long RssBytes, long PeakRssBytes);
