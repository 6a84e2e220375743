using System.Globalization;
using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Tasks;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// Explains rows of a ToV score file with the run that wrote it: finds rows (by id and source, by pool row, or the top
/// and bottom scores), reads those examples from the run's pool with its read options, and runs each through the run's
/// 2L adapter states as scoring does (forward passes under no_grad, one dispose scope per batch) to give per-token Δ
/// per epoch. The model is loaded on the first explanation that needs it and kept until disposed.
/// </summary>
public sealed class TovExplainer : IDisposable
{
    private readonly TovScorer.PhiSettings _phi;
    private TovRunModel? _model;

    private TovExplainer(TovRun run, string scoresPath, List<ScoreRow> rows,
        ScoreTransform transform, TovScorer.PhiSettings phi)
    {
        Run = run;
        ScoresPath = scoresPath;
        Rows = rows;
        Transform = transform;
        _phi = phi;
    }

    /// <summary>The finished run explained: its manifest, ToV's options and state.</summary>
    public TovRun Run { get; }
    public string ScoresPath { get; }

    /// <summary>Every row of the score file, in file order.</summary>
    public IReadOnlyList<ScoreRow> Rows { get; }

    public ScoreTransform Transform { get; }
    public TovAggregation Aggregation => _phi.Aggregation;
    public int SkipEpochs => _phi.SkipEpochs;

    /// <summary>
    /// Opens a finished run and a score file it wrote (its fingerprint in the file's footer) for the pool it was fitted
    /// on; refuses anything else with a message that says what is wrong. Loads no model yet.
    /// </summary>
    public static TovExplainer Open(string runDirectory, string scoresPath, TovExplainOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(scoresPath);
        options ??= new TovExplainOptions();
        var run = TovRunModel.LoadComplete(runDirectory);
        var manifest = run.Manifest;
        var rows = ScoreFile.Read(scoresPath);
        var footer = ScoreFile.ReadMetadata(scoresPath);
        if (footer.TryGetValue(ScoreFile.MethodKey, out var method) && method != "tov")
            throw new InvalidDataException($"{scoresPath} holds {method} scores, not ToV's: explain needs a score file from `winnow score` with this ToV run.");
        if (!footer.TryGetValue(TovScorer.FingerprintKey, out var fingerprint) || fingerprint != manifest.Fingerprint)
            throw new InvalidDataException($"{scoresPath} was not written by the ToV run in {run.RunDirectory} (another run's fingerprint, or none).");
        if (footer.TryGetValue(TovScorer.PoolHashKey, out var poolHash) && poolHash != manifest.PoolHash)
            throw new InvalidDataException($"{scoresPath} scores a pool other than the one the run was fitted on; explain reads the run's pool ({string.Join(", ", manifest.Pool)}), so its rows would not line up.");

        var transform = options.Transform
            ?? (footer.TryGetValue(TovScorer.TransformKey, out var t) ? ScoreTransforms.Parse(t) : run.Options.Transform);
        var aggregation = options.Aggregation
            ?? (footer.TryGetValue(TovScorer.AggregationKey, out var a) ? TovMethod.ParseAggregation(a) : run.Options.Aggregation);
        int skip = options.SkipEpochs
            ?? (footer.TryGetValue(TovScorer.SkipEpochsKey, out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : run.Options.SkipEpochs);
        var phi = new TovScorer.PhiSettings(TovScorer.ResolveAggregation(aggregation, run.State.PoolNearerShare), skip);
        phi.Check(run.State.Epochs);
        int fits = footer.TryGetValue(TovEnsemble.FitsKey, out var k) ? int.Parse(k, CultureInfo.InvariantCulture) : 1;
        return new TovExplainer(run, Path.GetFullPath(scoresPath), rows, transform, phi) { Fits = fits };
    }

    /// <summary>How many fits the score file's φ are the mean of (<see cref="TovFitOptions.Fits"/>); the Δ shown are the first fit's.</summary>
    public int Fits { get; private init; } = 1;

    /// <summary>The row of <paramref name="id"/> (in <paramref name="source"/>, which must be given when the id is in several sources).</summary>
    public ScoreRow FindId(string id, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        var matches = Rows.Where(r => r.Id == id).ToList();
        if (source is not null)
        {
            var inSource = matches.Where(r => r.Source == source).ToList();
            if (inSource.Count == 1) return inSource[0];
            if (inSource.Count > 1) throw new InvalidDataException($"id '{id}' appears {inSource.Count} times in source '{source}' of {ScoresPath}.");
            throw new ArgumentException(matches.Count == 0
                ? $"id '{id}' is not in {ScoresPath}."
                : $"id '{id}' is not in source '{source}'; it is in {string.Join(", ", matches.Select(r => r.Source).Distinct())}.");
        }
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ArgumentException($"id '{id}' is not in {ScoresPath}."),
            _ => throw new ArgumentException($"id '{id}' is in {matches.Count} sources; name one with --source: {string.Join(", ", matches.Select(r => r.Source).Distinct())}."),
        };
    }

    /// <summary>The row at pool position <paramref name="row"/> (the score file's <c>row</c> column).</summary>
    public ScoreRow FindRow(long row) =>
        Rows.FirstOrDefault(r => r.Row == row)
        ?? throw new ArgumentException($"row {row} is not in {ScoresPath} (rows {(Rows.Count == 0 ? "none" : $"{Rows.Min(r => r.Row)}–{Rows.Max(r => r.Row)}")}).");

    /// <summary>The <paramref name="count"/> scored rows with the highest score, highest first (ties by pool row).</summary>
    public IReadOnlyList<ScoreRow> Top(int count) => Scored().OrderByDescending(r => r.Score).ThenBy(r => r.Row).Take(count).ToList();

    /// <summary>The <paramref name="count"/> scored rows with the lowest score, lowest first (ties by pool row).</summary>
    public IReadOnlyList<ScoreRow> Bottom(int count) => Scored().OrderBy(r => r.Score).ThenBy(r => r.Row).Take(count).ToList();

    private IEnumerable<ScoreRow> Scored() => Rows.Where(r => !r.InBase && double.IsFinite(r.Score));

    public TovExplanation Explain(ScoreRow row, CancellationToken cancellationToken = default) => Explain([row], cancellationToken)[0];

    /// <summary>One explanation per row, in the order given.</summary>
    public IReadOnlyList<TovExplanation> Explain(IReadOnlyList<ScoreRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var results = new TovExplanation?[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].InBase)
                results[i] = Shell(rows[i]) with { Note = "In ToV's base set U: the run trained on this row during fit, so it has no score (Score+Random draws its random half from U). Nothing to explain." };
            else if (!double.IsFinite(rows[i].Score))
                results[i] = Shell(rows[i]) with { Note = "Not scored: the row could not be encoded, or nothing in it is predicted. Nothing to explain." };
        }
        var wanted = Enumerable.Range(0, rows.Count).Where(i => results[i] is null).ToList();
        if (wanted.Count > 0) ExplainScored(rows, wanted, results, cancellationToken);
        return results.Select(r => r!).ToList();
    }

    private TovExplanation Shell(ScoreRow row) => new()
    {
        Row = row.Row, Source = row.Source, Id = row.Id, InBase = row.InBase, Length = row.Length, Predicted = row.Predicted,
        Kind = Run.Options.Kind.ToString().ToLowerInvariant(), Transform = Transform.ToString().ToLowerInvariant(),
        Aggregation = TovScorer.AggregationName(_phi.Aggregation), Epochs = Run.State.Epochs, SkipEpochs = _phi.SkipEpochs,
        File = TovPhiValues.Of(row), Fits = Fits,
    };

    private void ExplainScored(IReadOnlyList<ScoreRow> rows, List<int> wanted, TovExplanation?[] results, CancellationToken cancellationToken)
    {
        _model ??= TovRunModel.Load(Run);
        var task = _model.Task;
        var examples = ReadExamples(wanted.Select(i => rows[i]).ToList(), cancellationToken);
        var encoded = new List<(int Slot, Example Example, EncodedExample Encoded)>();
        foreach (int i in wanted)
        {
            var example = examples[rows[i].Row];
            if (task.Encode(example).Example is { PredictedCount: > 0 } e) encoded.Add((i, example, e));
            else results[i] = Shell(rows[i]) with { Note = "Scored in the file, but the row cannot be encoded now: the run's model or pool changed since scoring." };
        }
        var classes = _model.ClassesFor(_phi.Aggregation);
        // Collated lazily: each batch's tensors are made and freed inside the scorer's per-batch scope.
        var batches = encoded.Select((e, j) => new IndexedBatch(task.Collator.Collate([e.Encoded]), [j]));
        foreach (var batch in _model.Scorer.Score(batches, cancellationToken: cancellationToken))
        {
            foreach (var result in batch)
            {
                var (slot, example, e) = encoded[result.Index];
                results[slot] = Build(rows[slot], example, e, TovScorer.DeltasPerEpoch(result.PerState, Run.State.Epochs),
                    classes is null ? null : TovRunModel.ClassesOf(e, classes));
            }
        }
    }

    private TovExplanation Build(ScoreRow row, Example example, EncodedExample encoded, double[][] deltas, int[]? groups)
    {
        var task = _model!.Task;
        var texts = task.PredictedTexts(example, encoded);
        var labels = task.Labels is { } set ? Enumerable.Range(0, encoded.Length).Where(t => encoded.TargetMask[t]).Select(t => set[encoded.Targets[t]]).ToArray() : null;
        var recomputed = new ScoreRow();
        TovScorer.FillFromDeltas(recomputed, deltas, Transform, _phi, groups);

        int epochs = deltas.Length, counted = epochs - _phi.SkipEpochs;
        var weights = ScoreTransforms.TokenWeights(encoded.PredictedCount, groups, _phi.Aggregation == TovAggregation.Sum);
        var tokens = new TovTokenChange[encoded.PredictedCount];
        for (int t = 0; t < tokens.Length; t++)
        {
            var perEpoch = deltas.Select(d => d[t]).ToArray();
            double mean = 0, share = 0;
            for (int k = _phi.SkipEpochs; k < epochs; k++)
            {
                mean += perEpoch[k];
                share += Transform.Apply(perEpoch[k]);
            }
            tokens[t] = new TovTokenChange(t, texts[t], labels?[t], perEpoch, mean / counted, weights[t] * share / counted);
        }
        return Shell(row) with { Recomputed = TovPhiValues.Of(recomputed), Tokens = tokens };
    }

    /// <summary>The pool examples of <paramref name="rows"/> by pool row, read in one pass that stops after the last one.</summary>
    private Dictionary<long, Example> ReadExamples(IReadOnlyList<ScoreRow> rows, CancellationToken cancellationToken)
    {
        var byRow = rows.GroupBy(r => r.Row).ToDictionary(g => g.Key, g => g.First());
        long last = byRow.Keys.Max();
        var found = new Dictionary<long, Example>();
        long position = 0;
        foreach (var example in DatasetReader.Read(Run.Manifest.Pool, _model!.ReadOptions))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (byRow.TryGetValue(position, out var row))
            {
                if (example.Id != row.Id || example.Source != row.Source)
                    throw new InvalidDataException($"Pool row {position} is '{example.Id}' from {example.Source}, but the score file has '{row.Id}' from {row.Source} there: the pool changed since scoring.");
                found[position] = example;
            }
            if (position++ >= last) break;
        }
        if (found.Count < byRow.Count)
            throw new InvalidDataException($"The run's pool ({string.Join(", ", Run.Manifest.Pool)}) has {position} examples; the score file's row {byRow.Keys.Where(k => !found.ContainsKey(k)).Min()} is past its end: the pool changed since scoring.");
        return found;
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
    }
}
