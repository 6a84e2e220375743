using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Progress;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Torch.FineTuning;
using Winnow.Torch.Methods.Common;
using Winnow.Torch.Tasks;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// ToV's own open limitation, closed without a test set (docs/tov-auto.md): which ε and which transform F. A share of
/// the target Z is held out; ToV is fitted on the rest at ε/3, ε and 3ε (ordinary runs in RUN/auto/eps-*, each
/// resumable) and each scores the pool; for every (ε, F) the top rows by φ_F train a fresh copy of the model for a
/// short fine-tune (the fit's LoRA recipe, L epochs), and the pair whose fine-tune leaves the held-out part of Z with
/// the lowest loss wins. The caller then fits on the whole of Z at the chosen ε and ranks by the chosen F.
/// Every probe starts from the same seed, so the candidates differ only in their rows.
/// </summary>
public static class TovAuto
{
    /// <summary>Share of Z held out for the probes.</summary>
    public const double HoldoutFraction = 0.3;

    /// <summary>ε tried, as multiples of the configured ε.</summary>
    public static readonly double[] EpsilonFactors = [1.0 / 3, 1.0, 3.0];

    /// <summary>Fewest target rows auto can split: at least one row must be left on each side.</summary>
    public const int MinimumTarget = 4;

    private const string ChoiceFile = "choice.json";

    /// <summary>
    /// Splits the target into the part a fit uses and the held-out part: the held-out rows are the
    /// round(fraction·n) rows with the smallest seeded hash of (source, id), so the split depends on the rows and the
    /// seed only, never on their order. Both parts keep the target's order.
    /// </summary>
    public static (List<T> Fit, List<T> HeldOut) SplitTarget<T>(IReadOnlyList<T> target, double fraction, int seed) where T : Example
    {
        ArgumentNullException.ThrowIfNull(target);
        if (fraction is <= 0 or >= 1 || double.IsNaN(fraction)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The held-out share must be in (0, 1).");
        int heldOut = (int)Math.Round(fraction * target.Count, MidpointRounding.AwayFromZero);
        if (heldOut < 1 || heldOut >= target.Count)
            throw new ArgumentException(
                $"The target has {target.Count} examples: too few to hold {fraction:P0} of them out and fit on the rest (auto needs at least {MinimumTarget}).");
        // Salted so the held-out rows are not the rows a base-set draw with the same seed would favour.
        var keys = BaseSetSampler.Sample(target.Select(e => PoolExamples.Key(e.Source, e.Id)), heldOut, unchecked(seed * 7919 + 104729));
        var fit = new List<T>();
        var held = new List<T>();
        foreach (var e in target) (keys.Contains(PoolExamples.Key(e.Source, e.Id)) ? held : fit).Add(e);
        return (fit, held);
    }

    /// <summary>Rows each probe fine-tunes on: 2·|Z_fit|, at least 32, at most the scored part of the pool.</summary>
    public static int ProbeSize(int fitTargetSize, int scoredPool) => Math.Max(1, Math.Min(scoredPool, Math.Max(32, 2 * fitTargetSize)));

    /// <summary>
    /// Runs (or resumes) the probe fits and fine-tunes and returns the choice; a choice already saved for the same
    /// run fingerprint is reused. <paramref name="options"/> are the run's, with <see cref="TovFitOptions.Auto"/> set.
    /// </summary>
    public static TovAutoChoice Choose(
        TovFitRequest request, TovFitOptions options, string fingerprint, IReadOnlyList<Example> target, LabelSet? labels,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var folder = new TovRunLayout(request.RunDirectory);
        string directory = folder.AutoDirectory;
        string choicePath = Path.Combine(directory, ChoiceFile);
        if (SavedChoice(choicePath, fingerprint, Load, c => c.ForFingerprint) is { } saved)
        {
            progress?.Report($"auto: reusing {choicePath} (ε={saved.Epsilon:G3}, {saved.Transform.ToString().ToLowerInvariant()})");
            return saved;
        }
        Directory.CreateDirectory(directory);
        var (fitPart, heldOut) = SplitTarget(target, HoldoutFraction, options.Seed);
        progress?.Report($"auto: {heldOut.Count} of {target.Count} target examples held out; fitting at ε = {string.Join(", ", EpsilonFactors.Select(f => (options.Epsilon * f).ToString("G3", CultureInfo.InvariantCulture)))}");

        // 1. One ordinary ToV run per ε on Z_fit, each scoring the whole pool (resumable like any run).
        var scored = new List<(double Epsilon, List<ScoreRow> Rows)>();
        foreach (double factor in EpsilonFactors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double epsilon = options.Epsilon * factor;
            var sub = options with { Auto = false, Epsilon = epsilon, TargetHoldout = HoldoutFraction };
            string runDirectory = Path.Combine(directory, "eps-" + epsilon.ToString("G4", CultureInfo.InvariantCulture));
            scored.Add((epsilon, FitAndScoreProbe(request, sub, runDirectory, ProgressMessages.Prefixed(progress, $"auto ε={epsilon:G3}: "), cancellationToken).Usable));
        }

        // 2. Each candidate's top rows (Score-Only: the probe judges the ranking itself), and as many random rows.
        var rows = scored[0].Rows;
        int probeSize = ProbeSize(fitPart.Count, rows.Count);
        var picks = new List<(double Epsilon, ScoreTransform? Transform, HashSet<string> Keys)>();
        // The probe fits do not measure the pool's kinship, so aggregate=auto scores them with the mean (TovScorer.ResolveAggregation).
        int bins = TovMethod.BinsFor(TovScorer.ResolveAggregation(options.Aggregation, poolNearerShare: null));
        foreach (var (epsilon, usable) in scored)
            foreach (var transform in ScoreTransforms.All)
            {
                string column = transform.ColumnName();
                picks.Add((epsilon, transform, Pick(usable, r => ScoreFile.Value(r, column), SelectionStrategy.ScoreOnly, probeSize, options.Seed, bins)));
            }
        picks.Add((double.NaN, null, Pick(rows, r => r.PhiIdentity, SelectionStrategy.Random, probeSize, options.Seed, bins)));

        var examples = ReadPicked(request, options, picks.Select(p => p.Keys));

        // 3. A short fine-tune per pick from the same seed; the held-out loss decides.
        int probeEpochs = options.ResolveEpochs(options.ResolveBaseSize(rows.Count));
        var candidates = new List<TovAutoCandidate>();
        double randomLoss = double.NaN;
        foreach (var (epsilon, transform, keys) in picks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var train = keys.Where(examples.ContainsKey).Select(k => examples[k]).ToList();
            double loss = Probe(request.Model, options, labels, train, heldOut, ProbeRecipe(options, probeEpochs), cancellationToken);
            string what = transform is { } t ? $"ε={epsilon:G3} {t.ToString().ToLowerInvariant()}" : "random";
            progress?.Report($"auto probe {what}: held-out loss {loss:F4} ({train.Count} rows)");
            if (transform is { } f) candidates.Add(new TovAutoCandidate(epsilon, f, loss));
            else randomLoss = loss;
        }

        // Ties (and NaN losses) go to the configured ε with identity, then to the order tried.
        var best = candidates
            .Select((c, i) => (c, i))
            .OrderBy(x => double.IsNaN(x.c.HeldOutLoss) ? double.PositiveInfinity : x.c.HeldOutLoss)
            .ThenBy(x => x.c.Epsilon == options.Epsilon && x.c.Transform == ScoreTransform.Identity ? 0 : 1)
            .ThenBy(x => x.i)
            .First().c;
        var choice = new TovAutoChoice
        {
            Epsilon = best.Epsilon,
            Transform = best.Transform,
            ForFingerprint = fingerprint,
            HeldOut = heldOut.Count,
            ProbeSize = probeSize,
            ProbeEpochs = probeEpochs,
            RandomLoss = randomLoss,
            Candidates = candidates,
            Seconds = clock.Elapsed.TotalSeconds,
        };
        AtomicFile.WriteText(choicePath, w => w.Write(JsonSerializer.Serialize(choice, TovRunState.Json) + "\n"));
        progress?.Report($"auto: chose ε={choice.Epsilon:G3}, {choice.Transform.ToString().ToLowerInvariant()} (held-out loss {best.HeldOutLoss:F4}; random rows {randomLoss:F4})");
        return choice;
    }

    public static TovAutoChoice Load(string path) => ReadChoice<TovAutoChoice>(path, "auto");

    /// <summary>Scored rows outside U: U was trained on during the fit, and the probe asks what the ranking adds.</summary>
    private static bool Probeable(ScoreRow row) => !row.InBase && !double.IsNaN(row.PhiIdentity);

    /// <summary>
    /// One probe fit on Z_fit (an ordinary ToV run in <paramref name="runDirectory"/>, resumable like any) and its score
    /// file over the whole pool (reused when current); returns the run, every row of the score file (U included) and
    /// the <see cref="Probeable"/> ones.
    /// </summary>
    internal static (TovRun Run, List<ScoreRow> Rows, List<ScoreRow> Usable) FitAndScoreProbe(
        TovFitRequest request, TovFitOptions options, string runDirectory, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var run = TovFitter.Fit(new TovFitRequest(request.Model, request.Target, request.Pool, runDirectory)
        {
            Options = options,
            LabelMap = request.LabelMap,
            Fields = request.Fields,
            Force = request.Force,
            MeasureKinship = false,
        }, progress, cancellationToken);
        string scores = Path.Combine(runDirectory, ScoreFile.DefaultFileName);
        if (!TovScorer.IsCurrent(scores, run.Manifest, run.Manifest.PoolHash))
            TovScorer.Score(new TovScoreRequest(runDirectory, request.Pool, scores), progress, cancellationToken: cancellationToken);
        var rows = ScoreFile.Read(scores).ToList();
        return (run, rows, rows.Where(Probeable).ToList());
    }

    /// <summary>The choice saved at <paramref name="path"/> when it was made for <paramref name="fingerprint"/>; otherwise null.</summary>
    internal static T? SavedChoice<T>(string path, string fingerprint, Func<string, T> load, Func<T, string> madeFor) where T : class =>
        File.Exists(path) && load(path) is var saved && madeFor(saved) == fingerprint ? saved : null;

    /// <summary>
    /// The keys of <paramref name="size"/> rows of <paramref name="rows"/> chosen by <paramref name="value"/>, binned as
    /// ToV's selection bins (on predicted tokens, <paramref name="bins"/> of them), so the probe picks what the selection
    /// would. Rows in U are U to the selector (Score+Random draws its <paramref name="randomShare"/> from them; the other
    /// strategies never take them).
    /// </summary>
    internal static HashSet<string> Pick(
        List<ScoreRow> rows, Func<ScoreRow, double> value, SelectionStrategy strategy, int size, int seed, int bins, double randomShare = SelectionOptions.DefaultRandomShare)
    {
        var lengths = SubsetSelector.BinLengths(rows, TovMethod.SelectionBinLength);
        var candidates = rows.Select((r, i) => new Candidate(i, lengths[i], value(r), r.InBase)).ToArray();
        var selection = Selector.Select(candidates, new SelectionOptions(Math.Min(size, candidates.Length), strategy, bins, seed: seed) { RandomShare = randomShare });
        return selection.Indices.Select(i => PoolExamples.Key(rows[i].Source, rows[i].Id)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The pool examples named by any of <paramref name="picks"/>, read in one pass, by key.</summary>
    internal static Dictionary<string, Example> ReadPicked(TovFitRequest request, TovFitOptions options, IEnumerable<HashSet<string>> picks)
    {
        var wanted = picks.SelectMany(p => p).ToHashSet(StringComparer.Ordinal);
        var readOptions = TovFitter.ReadOptionsFor(options.Kind, request.LabelMap, request.Fields?.ToString());
        return DatasetReader.Read(request.Pool, readOptions)
            .Where(e => wanted.Contains(PoolExamples.Key(e.Source, e.Id)))
            .ToDictionary(e => PoolExamples.Key(e.Source, e.Id), StringComparer.Ordinal);
    }

    /// <summary>ToV's own LoRA recipe (rank, lr, batch size of the fit) for <paramref name="epochs"/> epochs: what auto's probes fine-tune with.</summary>
    internal static FineTuneOptions ProbeRecipe(TovFitOptions options, int epochs) => new()
    {
        LoraRank = options.LoraRank, LoraAlpha = options.LoraAlpha, LoraDropout = options.LoraDropout,
        LearningRate = options.LearningRate, Epochs = epochs, BatchSize = options.BatchSize, Seed = options.Seed,
    };

    /// <summary>
    /// A fine-tune on <paramref name="train"/> by <paramref name="recipe"/>, then the held-out loss. From a fresh copy
    /// of the model, or with <paramref name="warmStart"/> from that adapter folder (adapters and, for NER, the head).
    /// With <paramref name="bestEpoch"/> the held-out part is evaluated after every epoch and the lowest loss counts;
    /// with <paramref name="epochOn"/> the recipe's epoch is kept on those rows (<see cref="FineTuneOptions.SelectEpoch"/>)
    /// and the held-out part is only measured. NaN when nothing could be encoded.
    /// </summary>
    internal static double Probe(
        string model, TovFitOptions options, LabelSet? labels, IReadOnlyList<Example> train, IReadOnlyList<Example> heldOut, FineTuneOptions recipe,
        CancellationToken cancellationToken, string? warmStart = null, bool bestEpoch = false, IReadOnlyList<Example>? epochOn = null)
    {
        if (bestEpoch && epochOn is not null) throw new ArgumentException("A probe keeps its best held-out epoch or its epoch on other rows, not both.");
        if (train.Count == 0) return double.NaN;
        using var task = TaskModel.Load(model, options.Kind, labels, new TaskModelOptions { MaxLength = options.MaxLength, Seed = options.Seed });
        if (warmStart is not null) Modeling.Lora.LoadAdapter(task.Model, warmStart);
        var encoded = task.EncodeAll(train);
        var held = task.EncodeAll(heldOut);
        if (encoded.Count == 0 || held.Count == 0) return double.NaN;
        if (!bestEpoch)
        {
            FineTuner.Run(task, encoded, recipe, cancellationToken: cancellationToken, validation: epochOn is null ? null : task.EncodeAll(epochOn));
            return FineTuner.Evaluate(task, held, cancellationToken: cancellationToken).MeanLoss;
        }
        var curve = FineTuner.Run(task, encoded, recipe, cancellationToken: cancellationToken, validation: held).ValidationLosses;
        return curve.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
    }

    /// <summary>A saved choice (auto's or auto_aggregate's) read back; an unreadable file is refused with its path.</summary>
    internal static T ReadChoice<T>(string path, string what) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), TovRunState.Json) ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a readable ToV {what} choice: {e.Message}", e);
        }
    }
}
