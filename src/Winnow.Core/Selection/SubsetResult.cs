using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Scoring;

namespace Winnow.Core.Selection;

/// <summary>A written subset and its summary.</summary>
public sealed record SubsetResult(
    string OutputPath,
    string ScoresSidePath,
    string SummaryPath,
    int Selected,
    int FromScores,
    int FromRandom,
    IReadOnlyDictionary<string, int> BySource,
    string Histogram,
    double Seconds);
