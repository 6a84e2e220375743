using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Scoring;

namespace Winnow.Core.Selection;

/// <summary>
/// Selection stage: reads a score file, picks rows with <see cref="Selector"/>, then streams the pool once more and
/// writes the selected examples themselves, a side file with each one's score and why it was picked
/// (<c>&lt;out&gt;.scores.jsonl</c>) and a summary (<c>&lt;out&gt;.summary.json</c>).
/// <para>
/// Memory bound: unlike scoring, selection holds every score row (binning and the top-k need them all): about
/// 0.55 KB per row, measured as 611 MiB peak RSS for ~1M rows against 84 MiB for 10k
/// (bench/results/scale-2026-11-23.md), so 10M rows need ~5.5 GiB. Past that, merge-sort the rows by score on disk.
/// </para>
/// </summary>
public static class SubsetSelector
{
    public static SubsetResult Select(SubsetRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Check(request);
        var clock = Stopwatch.StartNew();
        // One process per output; what an interrupted run left beside it goes first.
        using var held = FileLock.AcquireFile(request.OutputPath, progress);
        string side = SidePath(request.OutputPath, ".scores.jsonl");
        string summary = SidePath(request.OutputPath, ".summary.json");
        foreach (var output in new[] { request.OutputPath, side, summary }) AtomicFile.RemoveOrphans(output);

        var rows = ScoreFile.Read(request.ScoresPath);
        _ = ScoreFile.Value(new ScoreRow(), request.Column);
        var binBy = EffectiveBinLength(rows, request.BinBy);
        var lengths = BinLengths(rows, binBy);
        // The footer is read once: the kinship share, the target's lengths and its nearest rows all come from it.
        var footer = ScoreFile.ReadMetadata(request.ScoresPath);
        var (binWeights, nearerShare) = ResolveBinWeights(request, footer);
        var targetLengths = binWeights switch
        {
            BinWeights.Target => TargetLengthsFor(request, footer, binBy),
            BinWeights.Neighbours => NeighbourLengthsFor(request, footer, rows, lengths),
            _ => null,
        };
        var (shareFill, fillShare) = ResolveShareFill(request, footer);
        var candidates = rows.Select((r, i) => new Candidate(i, lengths[i], ScoreFile.Value(r, request.Column), r.InBase)).ToArray();
        var selection = Selector.Select(candidates, new SelectionOptions(request.Budget, request.Strategy, request.Bins, request.Seed)
        {
            RandomShare = request.RandomShare ?? SelectionOptions.DefaultRandomShare,
            TargetLengths = targetLengths,
            FillOrder = shareFill == ShareFill.Neighbours ? NeighbourFillOrder(request, footer, rows) : null,
        });
        if (request.BinWeights == BinWeights.Auto)
            progress?.Report($"bin weights auto: {BinWeightsName(binWeights)} ({PoolKinship.Describe(nearerShare)})"
                + (request.Bins == 1 ? "; one bin takes the whole scored part, so the weights change nothing" : ""));
        if (request.ShareFill == ShareFill.Auto && request.Strategy == SelectionStrategy.ScoreRandom)
            progress?.Report($"share fill auto: {ShareFillName(shareFill)} ({PoolKinship.Describe(fillShare)})");
        progress?.Report($"selected {selection.Indices.Count} of {rows.Count} ({selection.FromScores} by score, "
            + (shareFill == ShareFill.Neighbours ? $"{selection.FromNeighbours} of the target's nearest pool rows, " : "") + $"{selection.FromRandom} at random)");

        var fromScores = selection.Indices.Take(selection.FromScores).ToHashSet();
        var fromNeighbours = selection.Indices.Skip(selection.FromScores).Take(selection.FromNeighbours).ToHashSet();
        var byRow = selection.Indices.ToDictionary(i => rows[i].Row, i => rows[i]);
        var picked = ReadSelected(request, byRow, cancellationToken).ToList();
        var rowIndex = selection.Indices.ToDictionary(i => rows[i].Row, i => i);
        var bySource = picked.GroupBy(p => p.Example.Source).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        string histogram = Histogram(picked.Select(p => ScoreFile.Value(p.Row, request.Column)).Where(double.IsFinite).ToArray());

        // The three files appear together or not at all: each is written in full under a hidden name, then they are
        // renamed into place with the summary — which names the other two and their row count — removed first and
        // renamed last. A subset whose summary is missing, or names another count, is not a finished selection.
        using (var set = new AtomicFileSet())
        {
            WriteExamples(set.Stage(request.OutputPath), request.OutputPath, picked.Select(p => p.Example));
            WriteSideFile(set.Stage(side), picked.Select(p => (p.Row, Reason: ReasonOf(rowIndex[p.Row.Row]))), request.Column);
            WriteSummary(set.Stage(summary), request, (binWeights, nearerShare ?? fillShare), shareFill, selection, bySource, histogram, picked.Count, Path.GetFileName(request.OutputPath), Path.GetFileName(side));
            cancellationToken.ThrowIfCancellationRequested();
            set.Commit(summary);
        }
        string ReasonOf(int index) => fromScores.Contains(index) ? "score" : fromNeighbours.Contains(index) ? "neighbour" : "random";

        return new SubsetResult(request.OutputPath, side, summary, picked.Count, selection.FromScores, selection.FromRandom, bySource, histogram, clock.Elapsed.TotalSeconds)
        {
            FromNeighbours = selection.FromNeighbours,
        };
    }

    /// <summary>
    /// What can be refused before any work (before a fit, when <c>select --method</c> runs one): the budget, the output's
    /// format, and whether its folder can be written.
    /// </summary>
    public static void Check(SubsetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Budget <= 0) throw new ArgumentException($"--budget must be a positive number of examples (got {request.Budget}).");
        if (!request.OutputPath.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) && !request.OutputPath.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Write the subset as .jsonl or .parquet (got {request.OutputPath}).");
        if (request.RandomShare is { } share)
        {
            SelectionOptions.CheckRandomShare(share);
            if (request.Strategy != SelectionStrategy.ScoreRandom)
                throw new ArgumentException($"random_share is Score+Random's split of the budget; the strategy here is {StrategyName(request.Strategy)}.");
        }
        if (request.ShareFill == ShareFill.Neighbours && request.Strategy != SelectionStrategy.ScoreRandom)
            throw new ArgumentException($"share_fill=neighbours fills Score+Random's random share; the strategy here is {StrategyName(request.Strategy)}, which has none.");
        CheckWritable(request.OutputPath);
    }

    /// <summary>Refuses an output whose folder cannot be created or written, or that is a folder itself, naming it and why.</summary>
    public static void CheckWritable(string output)
    {
        var full = Path.GetFullPath(output);
        if (Directory.Exists(full)) throw new IOException($"Cannot write {output}: it is a folder.");
        var folder = Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
            if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
                throw new UnauthorizedAccessException("the file is read-only");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException and not FileLockException)
        {
            throw new IOException($"Cannot write {output}: {e.Message}", e);
        }
    }

    public static SelectionStrategy ParseStrategy(string name) => name.Trim().ToLowerInvariant() switch
    {
        "score+random" or "score-random" or "scorerandom" => SelectionStrategy.ScoreRandom,
        "score-only" or "score" or "scoreonly" => SelectionStrategy.ScoreOnly,
        "random" => SelectionStrategy.Random,
        "sample" => SelectionStrategy.Sample,
        "sample-log" or "samplelog" or "importance" => SelectionStrategy.SampleLog,
        _ => throw new ArgumentException($"Unknown strategy '{name}': expected score+random, score-only, random, sample or sample-log."),
    };

    /// <summary>The name configs and the CLI use for a <see cref="SelectionStrategy"/> (what <see cref="ParseStrategy"/> reads).</summary>
    public static string StrategyName(SelectionStrategy strategy) => strategy switch
    {
        SelectionStrategy.ScoreRandom => "score+random",
        SelectionStrategy.ScoreOnly => "score-only",
        SelectionStrategy.Random => "random",
        SelectionStrategy.Sample => "sample",
        SelectionStrategy.SampleLog => "sample-log",
        _ => strategy.ToString(),
    };

    /// <summary>
    /// The target's lengths in the unit the rows are binned on, from the score file's footer; refused, naming the file,
    /// when the file has none (a method that does not record them, or a file scored before they were recorded).
    /// </summary>
    private static int[] TargetLengthsFor(SubsetRequest request, IReadOnlyDictionary<string, string> footer, BinLength binBy)
    {
        RequireLengthBins(request, BinWeights.Target);
        return ScoreFile.TargetLengths(request.ScoresPath, footer, binBy)
            ?? throw new ArgumentException(
                $"{request.ScoresPath} records no target lengths, which bin_weights=target needs (ToV's scorer records them since 2026-12-03; " +
                "score the run again, or select with equal bin weights).");
    }

    /// <summary>
    /// The bin weights a selection uses: <see cref="BinWeights.Auto"/> resolved from the score file's pool-kinship share
    /// (target weights at <see cref="PoolKinship.Threshold"/> or above, equal below or where the fit did not measure it),
    /// refused naming the file when it has none; the share, where one decided.
    /// </summary>
    public static (BinWeights Weights, double? NearerShare) ResolveBinWeights(SubsetRequest request, IReadOnlyDictionary<string, string> footer)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.BinWeights != BinWeights.Auto) return (request.BinWeights, null);
        // Strategies without length bins have nothing to weight.
        if (!HasLengthBins(request.Strategy)) return (BinWeights.Equal, null);
        double share = KinshipShare(request, footer, "bin_weights=auto", "--bin-weights equal or target");
        if (double.IsNaN(share)) return (BinWeights.Equal, null);
        return (PoolKinship.HoldsTargetKind(share) ? BinWeights.Target : BinWeights.Equal, share);
    }

    /// <summary>
    /// What fills a selection's random share: <see cref="ShareFill.Auto"/> resolved from the score file's pool-kinship
    /// share (the target's nearest rows at <see cref="PoolKinship.Threshold"/> or above, U below or where the fit did not
    /// measure it), refused naming the file when it has none; the share, where one decided. Strategies other than
    /// Score+Random have no share to fill.
    /// </summary>
    public static (ShareFill Fill, double? NearerShare) ResolveShareFill(SubsetRequest request, IReadOnlyDictionary<string, string> footer)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ShareFill != ShareFill.Auto) return (request.ShareFill, null);
        if (request.Strategy != SelectionStrategy.ScoreRandom) return (ShareFill.Random, null);
        double share = KinshipShare(request, footer, "share_fill=auto", "--share-fill random or neighbours");
        if (double.IsNaN(share)) return (ShareFill.Random, null);
        return (PoolKinship.HoldsTargetKind(share) ? ShareFill.Neighbours : ShareFill.Random, share);
    }

    // The footer's share (NaN: unmeasured), refused naming the file and the setting that needs it when there is none.
    private static double KinshipShare(SubsetRequest request, IReadOnlyDictionary<string, string> footer, string setting, string instead) =>
        ScoreFile.PoolNearerShare(request.ScoresPath, footer)
            ?? throw new ArgumentException(
                $"{request.ScoresPath} records no pool-kinship share ({ScoreFile.PoolNearerShareKey}), which {setting} needs "
                + $"(ToV's fit measures it since 2026-12-03: fit and score the run again, or select with {instead}).");

    /// <summary>
    /// The candidates that fill the random share under <see cref="ShareFill.Neighbours"/>, in order: the score file lists
    /// k nearest pool rows for each target row (nearest first); every target row's nearest comes first, the target rows
    /// in an order drawn by the selection's seed, then every one's second nearest, and so on. Rows not in the file (a
    /// shard) are passed over; duplicates are left for the selector to skip. Refused, naming the file, when it lists no
    /// neighbours, or not the same number for each of the target's rows.
    /// </summary>
    private static int[] NeighbourFillOrder(SubsetRequest request, IReadOnlyDictionary<string, string> footer, IReadOnlyList<ScoreRow> rows)
    {
        var neighbours = NeighboursFor(request, footer, "share_fill=neighbours", "--share-fill random");
        int targetRows = ScoreFile.TargetLengths(request.ScoresPath, footer, BinLength.Tokens)?.Length
            ?? throw new ArgumentException($"{request.ScoresPath} records no target lengths ({ScoreFile.TargetLengthsKey}), whose count share_fill=neighbours needs to read its {ScoreFile.TargetNeighboursKey} a target row at a time.");
        if (targetRows == 0 || neighbours.Length == 0 || neighbours.Length % targetRows != 0)
            throw new InvalidDataException(
                $"{request.ScoresPath}: its {ScoreFile.TargetNeighboursKey} lists {neighbours.Length} rows, not the same number for each of the target's {targetRows} rows ({ScoreFile.TargetLengthsKey}).");
        int k = neighbours.Length / targetRows;
        var byRow = RowIndex(rows);
        var order = Enumerable.Range(0, targetRows).ToArray();
        new Random(request.Seed).Shuffle(order);
        var fill = new List<int>(neighbours.Length);
        for (int rank = 0; rank < k; rank++)
            foreach (int t in order)
                if (byRow.TryGetValue(neighbours[t * k + rank], out int index)) fill.Add(index);
        return fill.Count > 0 ? fill.ToArray() : throw NoneInFile(request, neighbours);
    }

    /// <summary>
    /// The target's nearest pool rows the score file lists, refused naming the file, the <paramref name="setting"/> that
    /// needs them and what to select with <paramref name="instead"/> when it lists none.
    /// </summary>
    private static long[] NeighboursFor(SubsetRequest request, IReadOnlyDictionary<string, string> footer, string setting, string instead) =>
        ScoreFile.TargetNeighbours(request.ScoresPath, footer)
            ?? throw new ArgumentException(
                $"{request.ScoresPath} lists no nearest pool rows of the target ({ScoreFile.TargetNeighboursKey}), which {setting} needs "
                + $"(ToV's NER fit finds them since 2026-12-03: fit and score the run again, or select with {instead}).");

    // A listed set of nearest rows none of which is in the file (another pool's score file, or a shard without them).
    private static InvalidDataException NoneInFile(SubsetRequest request, long[] neighbours) =>
        new($"{request.ScoresPath}: none of the {neighbours.Length} rows in its {ScoreFile.TargetNeighboursKey} is a row of the file.");

    /// <summary>Each score row's index in <paramref name="rows"/>, by its pool row number.</summary>
    private static Dictionary<long, int> RowIndex(IReadOnlyList<ScoreRow> rows)
    {
        var index = new Dictionary<long, int>(rows.Count);
        for (int i = 0; i < rows.Count; i++) index[rows[i].Row] = i;
        return index;
    }

    /// <summary>Whether <paramref name="strategy"/> takes the top scores from length bins (what bin weights share out).</summary>
    private static bool HasLengthBins(SelectionStrategy strategy) => strategy is SelectionStrategy.ScoreRandom or SelectionStrategy.ScoreOnly;

    /// <summary>Refuses <paramref name="weights"/> for a strategy without length bins.</summary>
    private static void RequireLengthBins(SubsetRequest request, BinWeights weights)
    {
        if (!HasLengthBins(request.Strategy))
            throw new ArgumentException($"bin_weights={BinWeightsName(weights)} weights the length bins of the top scores; the strategy here is {StrategyName(request.Strategy)}, which has none.");
    }

    /// <summary>
    /// The lengths (in the unit the rows are binned on) of the target's nearest pool rows the score file lists; refused,
    /// naming the file, when it lists none or none of them is a row of the file.
    /// </summary>
    private static int[] NeighbourLengthsFor(SubsetRequest request, IReadOnlyDictionary<string, string> footer, IReadOnlyList<ScoreRow> rows, int[] lengths)
    {
        RequireLengthBins(request, BinWeights.Neighbours);
        var neighbours = NeighboursFor(request, footer, "bin_weights=neighbours", "--bin-weights equal or target");
        var byRow = RowIndex(rows);
        var found = neighbours.Where(byRow.ContainsKey).Select(r => lengths[byRow[r]]).ToArray();
        return found.Length > 0 ? found : throw NoneInFile(request, neighbours);
    }

    public static BinWeights ParseBinWeights(string name) => name.Trim().ToLowerInvariant() switch
    {
        "equal" => BinWeights.Equal,
        "target" => BinWeights.Target,
        "auto" => BinWeights.Auto,
        "neighbours" or "neighbors" => BinWeights.Neighbours,
        _ => throw new ArgumentException($"Unknown bin_weights '{name}': expected equal (the same number from every length bin), target (each bin in proportion to the target's rows in it), neighbours (in proportion to the target's nearest pool rows in it) or auto (target where the fit found the target's kind in the pool, else equal)."),
    };

    public static ShareFill ParseShareFill(string name) => name.Trim().ToLowerInvariant() switch
    {
        "random" => ShareFill.Random,
        "neighbours" or "neighbors" => ShareFill.Neighbours,
        "auto" => ShareFill.Auto,
        _ => throw new ArgumentException($"Unknown share_fill '{name}': expected random (Score+Random's share uniformly from the base set; the paper's), neighbours (the target's nearest pool rows) or auto (neighbours where the fit found the target's kind in the pool, else random)."),
    };

    public static string ShareFillName(ShareFill fill) => fill switch
    {
        ShareFill.Neighbours => "neighbours",
        ShareFill.Auto => "auto",
        _ => "random",
    };

    public static string BinWeightsName(BinWeights weights) => weights switch
    {
        BinWeights.Target => "target",
        BinWeights.Auto => "auto",
        BinWeights.Neighbours => "neighbours",
        _ => "equal",
    };

    /// <summary>
    /// The length each row is binned on. <see cref="BinLength.Predicted"/> needs a file that counts predicted tokens: files
    /// of methods without a model (random, DSIR) count none, and are binned on their lengths instead.
    /// </summary>
    public static int[] BinLengths(IReadOnlyList<ScoreRow> rows, BinLength by)
    {
        ArgumentNullException.ThrowIfNull(rows);
        bool predicted = EffectiveBinLength(rows, by) == BinLength.Predicted;
        return rows.Select(r => predicted ? r.Predicted : r.Length).ToArray();
    }

    /// <summary>The length the bins really cut on: <paramref name="by"/>, or all tokens when the file counts no predicted ones.</summary>
    private static BinLength EffectiveBinLength(IReadOnlyList<ScoreRow> rows, BinLength by) =>
        by == BinLength.Predicted && rows.Any(r => r.Predicted > 0) ? BinLength.Predicted : BinLength.Tokens;

    public static BinLength ParseBinLength(string name) => name.Trim().ToLowerInvariant() switch
    {
        "tokens" or "length" => BinLength.Tokens,
        "predicted" => BinLength.Predicted,
        _ => throw new ArgumentException($"Unknown bin_by '{name}': expected tokens (the tokens a row reads) or predicted (the tokens its loss averages over)."),
    };

    /// <summary>The name configs and summaries use for a <see cref="BinLength"/>.</summary>
    public static string BinLengthName(BinLength by) => by == BinLength.Predicted ? "predicted" : "tokens";

    /// <summary><c>subset.jsonl</c> → <c>subset.scores.jsonl</c>: the extension of the subset is replaced.</summary>
    public static string SidePath(string output, string suffix) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, Path.GetFileNameWithoutExtension(output) + suffix);

    private static IEnumerable<(Example Example, ScoreRow Row)> ReadSelected(SubsetRequest request, Dictionary<long, ScoreRow> byRow, CancellationToken cancellationToken)
    {
        long position = 0;
        int found = 0;
        foreach (var example in DatasetReader.Read(request.Pool, request.ReadOptions))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (byRow.TryGetValue(position++, out var row))
            {
                if (row.Id != example.Id || row.Source != example.Source)
                    throw new InvalidDataException(
                        $"Pool row {row.Row} is {example.Source}/{example.Id} but the score file has {row.Source}/{row.Id}: the pool is not the one that was scored.");
                found++;
                yield return (example, row);
                if (found == byRow.Count) yield break;
            }
        }
        if (found < byRow.Count)
            throw new InvalidDataException($"The pool ended after {position} examples; the score file refers to rows beyond that: not the pool that was scored.");
    }

    // Written to the staged path in the format the final name asks for.
    private static void WriteExamples(string path, string finalPath, IEnumerable<Example> examples)
    {
        if (finalPath.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            ExampleParquet.WriteAsync(path, examples).GetAwaiter().GetResult();
        else if (finalPath.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            ExampleJsonl.Write(path, examples);
        else throw new ArgumentException($"Write the subset as .jsonl or .parquet (got {finalPath}).");
    }

    private static void WriteSideFile(string path, IEnumerable<(ScoreRow Row, string Reason)> rows, string column) =>
        AtomicFile.Write(path, stream =>
        {
            foreach (var (row, reason) in rows)
            {
                using (var json = new Utf8JsonWriter(stream))
                {
                    json.WriteStartObject();
                    json.WriteNumber("row", row.Row);
                    json.WriteString("id", row.Id);
                    json.WriteString("source", row.Source);
                    WriteNumber(json, "score", ScoreFile.Value(row, column));
                    json.WriteString("column", column);
                    json.WriteString("picked_by", reason);
                    json.WriteBoolean("in_base", row.InBase);
                    json.WriteNumber("length", row.Length);
                    json.WriteEndObject();
                }
                stream.WriteByte((byte)'\n');
            }
        });

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static void WriteSummary(
        string path, SubsetRequest request, (BinWeights Used, double? NearerShare) weighted, ShareFill fillUsed, SelectionResult selection, IReadOnlyDictionary<string, int> bySource, string histogram,
        int rows, string subsetFile, string scoresFile)
    {
        double? randomShare = request.Strategy == SelectionStrategy.ScoreRandom ? request.RandomShare ?? SelectionOptions.DefaultRandomShare : null;
        string? weights = request.BinWeights switch
        {
            BinWeights.Equal => null,
            BinWeights.Auto => $"auto: {BinWeightsName(weighted.Used)}",
            _ => BinWeightsName(request.BinWeights),
        };
        string? fill = request.Strategy != SelectionStrategy.ScoreRandom ? null : request.ShareFill switch
        {
            ShareFill.Random => null,
            ShareFill.Auto => $"auto: {ShareFillName(fillUsed)}",
            _ => ShareFillName(request.ShareFill),
        };
        var summary = new Summary(request.Budget, request.Strategy.ToString(), randomShare, fill, request.Column, request.Bins, BinLengthName(request.BinBy),
            weights, weighted.NearerShare, request.Seed, selection.Indices.Count,
            selection.FromScores, fillUsed == ShareFill.Neighbours ? selection.FromNeighbours : null, selection.FromRandom, bySource, histogram.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            new SummaryFiles(subsetFile, scoresFile, rows));
        AtomicFile.WriteText(path, w => w.Write(JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }) + "\n"));
    }

    private sealed record Summary(
        [property: JsonPropertyName("budget")] int Budget,
        [property: JsonPropertyName("strategy")] string Strategy,
        [property: JsonPropertyName("random_share"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? RandomShare,
        [property: JsonPropertyName("share_fill"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ShareFill,
        [property: JsonPropertyName("column")] string Column,
        [property: JsonPropertyName("bins")] int Bins,
        [property: JsonPropertyName("bin_by")] string BinBy,
        [property: JsonPropertyName("bin_weights"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BinWeights,
        [property: JsonPropertyName("pool_nearer_share"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? PoolNearerShare,
        [property: JsonPropertyName("seed")] int Seed,
        [property: JsonPropertyName("selected")] int Selected,
        [property: JsonPropertyName("from_scores")] int FromScores,
        [property: JsonPropertyName("from_neighbours"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? FromNeighbours,
        [property: JsonPropertyName("from_random")] int FromRandom,
        [property: JsonPropertyName("by_source")] IReadOnlyDictionary<string, int> BySource,
        [property: JsonPropertyName("score_histogram")] IReadOnlyList<string> ScoreHistogram,
        [property: JsonPropertyName("files")] SummaryFiles Files);

    /// <summary>The finished set the summary stands for: written last, it names the subset and score files and their row count.</summary>
    private sealed record SummaryFiles(
        [property: JsonPropertyName("subset")] string Subset,
        [property: JsonPropertyName("scores")] string Scores,
        [property: JsonPropertyName("rows")] int Rows);

    /// <summary>A 10-bin text histogram of the selected examples' scores.</summary>
    public static string Histogram(IReadOnlyList<double> values, int bins = 10, int width = 40)
    {
        if (values.Count == 0) return "(no scored examples)\n";
        double min = values.Min(), max = values.Max();
        double span = max > min ? max - min : 1;
        var counts = new int[bins];
        foreach (var v in values) counts[Math.Min(bins - 1, (int)((v - min) / span * bins))]++;
        int most = Math.Max(1, counts.Max());
        var text = new StringBuilder();
        for (int b = 0; b < bins; b++)
        {
            double lo = min + span * b / bins;
            text.Append(CultureInfo.InvariantCulture, $"{lo,12:G4} | {new string('#', (int)Math.Round((double)counts[b] / most * width)),-40} {counts[b]}\n");
        }
        return text.ToString();
    }
}
