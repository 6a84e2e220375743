using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using Winnow.Core.Data;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Runtime;

namespace Winnow.Bench;

/// <summary>One scoring process's memory over a streamed prefix of a pool of <see cref="PoolRows"/> rows.</summary>
public sealed record RssReport(
    string Machine, string Date, string Commit, string Command, string LoadBefore, string LoadAfter, int PoolRows, int PrefixRows,
    int Threads, string Run, long PeakBeforeScoringBytes, IReadOnlyList<RssSample> Samples, bool Complete);
