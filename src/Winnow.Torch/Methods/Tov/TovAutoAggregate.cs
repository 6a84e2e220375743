using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Progress;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Torch.Tasks;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// Mean or summed φ, chosen from the target alone (<c>auto_aggregate=true</c>; docs/tov-auto.md, "The aggregation").
/// The sum (one length bin) wins where the pool's long rows are of the target's kind and loses where they are another
/// register (docs/tov-defaults.md, "Summed φ"); which case a pool is cannot be read from a setting, only measured. As
/// <see cref="TovAuto"/> does for ε and F: ToV is fitted on 70% of Z and scores the pool once; the top rows by the
/// mean (in ToV's length bins) and by the sum (one bin) each continue that fit's last base state (adapters and head,
/// trained on U; never on the held-out part of Z) for a short fine-tune, and
/// the aggregation whose rows leave the held-out 30% of Z with the lower loss wins. The sum is the mean times the row's
/// predicted tokens, so one scoring serves both. With <see cref="TovAggregateProbe.Judge"/> the probes are instead the
/// delivered subsets fine-tuned from the base model by the judge's recipe. The caller then fits on the whole of Z as
/// usual and scores with the chosen aggregation.
/// </summary>
public static class TovAutoAggregate
{
    private const string ChoiceFile = "choice.json";

    /// <summary>
    /// Runs (or resumes) the probe fit and fine-tunes and returns the choice; a choice already saved for the same run
    /// fingerprint is reused. <paramref name="options"/> are the run's, with <see cref="TovFitOptions.AutoAggregate"/> set.
    /// </summary>
    public static TovAggregateChoice Choose(
        TovFitRequest request, TovFitOptions options, string fingerprint, IReadOnlyList<Example> target, LabelSet? labels,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        // A run that has chosen keeps the choice in its options; before the choice the aggregation must be the default.
        if (options.Aggregation is not (TovAggregation.Mean or TovAggregation.Auto))
            throw new ArgumentException($"auto_aggregate chooses between the mean and the sum; leave aggregate unset (got {TovScorer.AggregationName(options.Aggregation)}).");
        var clock = Stopwatch.StartNew();
        string directory = new TovRunLayout(request.RunDirectory).AutoAggregateDirectory;
        string choicePath = Path.Combine(directory, ChoiceFile);
        if (TovAuto.SavedChoice(choicePath, fingerprint, Load, c => c.ForFingerprint) is { } saved)
        {
            progress?.Report($"auto_aggregate: reusing {choicePath} ({TovScorer.AggregationName(saved.Aggregation)})");
            return saved;
        }
        Directory.CreateDirectory(directory);
        var (fitPart, heldOut) = TovAuto.SplitTarget(target, TovAuto.HoldoutFraction, options.Seed);
        progress?.Report($"auto_aggregate: {heldOut.Count} of {target.Count} target examples held out; fitting on the rest");

        // 1. One ordinary ToV run on Z_fit (resumable like any run), scoring the whole pool with the plain mean.
        var sub = options with { AutoAggregate = false, AggregateProbe = TovAggregateProbe.Fit, Aggregation = TovAggregation.Mean, TargetHoldout = TovAuto.HoldoutFraction };
        string runDirectory = Path.Combine(directory, "fit");
        var (run, all, rows) = TovAuto.FitAndScoreProbe(request, sub, runDirectory, ProgressMessages.Prefixed(progress, "auto_aggregate: "), cancellationToken);

        if (options.AggregateProbe == TovAggregateProbe.Judge)
            return Decide(JudgeProbes(request, options, labels, all, rows.Count, fitPart, heldOut, progress, cancellationToken));

        // 2. Each aggregation's top rows as its selection would take them (the mean in ToV's bins, the sum from one),
        //    Score-Only: the probe asks what the ranking adds; and as many random rows, for reference.
        int probeSize = TovAuto.ProbeSize(fitPart.Count, rows.Count);
        string column = options.Transform.ColumnName();
        var mean = TovAuto.Pick(rows, r => ScoreFile.Value(r, column), SelectionStrategy.ScoreOnly, probeSize, options.Seed, TovMethod.BinsFor(TovAggregation.Mean));
        var sum = TovAuto.Pick(rows, r => ScoreFile.Value(r, column) * r.Predicted, SelectionStrategy.ScoreOnly, probeSize, options.Seed, TovMethod.BinsFor(TovAggregation.Sum));
        var random = TovAuto.Pick(rows, r => ScoreFile.Value(r, column), SelectionStrategy.Random, probeSize, options.Seed, 1);
        var examples = TovAuto.ReadPicked(request, options, [mean, sum, random]);

        // 3. A short fine-tune per pick from the same seed; the held-out loss decides, ties to the mean (the default).
        int probeEpochs = options.ResolveEpochs(options.ResolveBaseSize(rows.Count));
        string warmStart = new TovRunLayout(runDirectory).BaseAdapter(run.State.Epochs - 1);
        double Loss(HashSet<string> keys, string what)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var train = keys.Where(examples.ContainsKey).Select(k => examples[k]).ToList();
            // From the probe fit's last base state θ_bas^(L−1) (adapters and, for NER, its trained head: it has learned
            // the labels on U, with the interleaved variant's small ε-steps on Z_fit, and never seen the held-out part),
            // keeping each probe's best held-out epoch as a judge that picks its epoch on validation does. Not from a
            // fresh head as auto's probe: a short fine-tune there mostly measures how fast the new head learns how often
            // entities occur (docs/tov-auto.md, "The aggregation").
            double loss = TovAuto.Probe(request.Model, options, labels, train, heldOut, TovAuto.ProbeRecipe(options, probeEpochs), cancellationToken, warmStart, bestEpoch: true);
            progress?.Report($"auto_aggregate probe {what}: held-out loss {loss:F4} ({train.Count} rows)");
            return loss;
        }
        double meanLoss = Loss(mean, "mean"), sumLoss = Loss(sum, "sum"), randomLoss = Loss(random, "random");
        return Decide(new Probes(probeSize, probeEpochs, meanLoss, sumLoss, randomLoss));

        TovAggregateChoice Decide(Probes p)
        {
            bool sumWins = !double.IsNaN(p.Sum) && (double.IsNaN(p.Mean) || p.Sum < p.Mean);
            var choice = new TovAggregateChoice
            {
                Aggregation = sumWins ? TovAggregation.Sum : TovAggregation.Mean,
                Probe = options.AggregateProbe,
                ForFingerprint = fingerprint,
                HeldOut = heldOut.Count,
                ProbeSize = p.Size,
                ProbeEpochs = p.Epochs,
                MeanLoss = p.Mean,
                SumLoss = p.Sum,
                RandomLoss = p.Random,
                Seconds = clock.Elapsed.TotalSeconds,
            };
            AtomicFile.WriteText(choicePath, w => w.Write(JsonSerializer.Serialize(choice, TovRunState.Json) + "\n"));
            string random = p.Random is { } r ? string.Create(CultureInfo.InvariantCulture, $"; random rows {r:F4}") : "";
            progress?.Report(string.Create(CultureInfo.InvariantCulture,
                $"auto_aggregate: chose {TovScorer.AggregationName(choice.Aggregation)} (held-out loss: mean {p.Mean:F4}, sum {p.Sum:F4}{random})"));
            return choice;
        }
    }

    /// <summary>What the probes measured: held-out losses after each aggregation's fine-tune (and random rows', if probed).</summary>
    private sealed record Probes(int Size, int Epochs, double Mean, double Sum, double? Random);

    /// <summary>
    /// <see cref="TovAggregateProbe.Judge"/>: each aggregation's subset of <see cref="TovAuto.ProbeSize"/> rows as the
    /// selection would deliver it from the probe fit's score file (ToV's default share of the budget at random from the
    /// probe fit's U, the rest from the aggregation's top rows in its bins), each fine-tuning a fresh copy of the base
    /// model by the judge's recipe for the task with its epoch kept on Z_fit; the held-out part's loss is the measure.
    /// Why: the fit probe continues the probe fit on Score-Only rows, which is not what the judge does with a subset
    /// (it starts from the base model, and a quarter of the subset is U); on the off-domain pool that probe chose the
    /// sum where the judge found it 13–18% worse (docs/tov-auto.md, "The aggregation").
    /// </summary>
    private static Probes JudgeProbes(
        TovFitRequest request, TovFitOptions options, LabelSet? labels, List<ScoreRow> all, int scored,
        IReadOnlyList<Example> fitPart, IReadOnlyList<Example> heldOut, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        int probeSize = TovAuto.ProbeSize(fitPart.Count, scored);
        string column = options.Transform.ColumnName();
        var mean = Delivered(all, r => ScoreFile.Value(r, column), probeSize, options.Seed, TovAggregation.Mean);
        var sum = Delivered(all, r => ScoreFile.Value(r, column) * r.Predicted, probeSize, options.Seed, TovAggregation.Sum);
        var examples = TovAuto.ReadPicked(request, options, [mean, sum]);
        var recipe = FineTuning.JudgeRecipes.For(options.Kind) with { Seed = options.Seed };
        progress?.Report($"auto_aggregate: judge probes on {probeSize} rows each ({FineTuning.JudgeRecipes.Describe(recipe)}); {mean.Intersect(sum).Count()} rows in both");
        double Loss(HashSet<string> keys, string what)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var train = keys.Where(examples.ContainsKey).Select(k => examples[k]).ToList();
            // A fresh copy of the base model, its epoch kept on Z_fit (which it has never trained on), so the held-out
            // part is only measured.
            double loss = TovAuto.Probe(request.Model, options, labels, train, heldOut, recipe, cancellationToken, epochOn: fitPart);
            progress?.Report($"auto_aggregate judge probe {what}: held-out loss {loss:F4} ({train.Count} rows)");
            return loss;
        }
        return new Probes(probeSize, recipe.Epochs, Loss(mean, "mean"), Loss(sum, "sum"), null);
    }

    /// <summary>The keys of the Score+Random subset ToV's selection would take from these rows (U included) under <paramref name="aggregation"/>.</summary>
    internal static HashSet<string> Delivered(List<ScoreRow> all, Func<ScoreRow, double> value, int size, int seed, TovAggregation aggregation) =>
        TovAuto.Pick(all, value, SelectionStrategy.ScoreRandom, size, seed, TovMethod.BinsFor(aggregation), TovMethod.RandomShare);

    public static TovAggregateChoice Load(string path) => TovAuto.ReadChoice<TovAggregateChoice>(path, "auto_aggregate");
}
