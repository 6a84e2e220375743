using Winnow.Core.IO;
using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using Winnow.Torch.Modeling;
using Winnow.Torch.Runtime;
using static TorchSharp.torch;

namespace Winnow.Torch.Training;

/// <summary>
/// Fine-tunes an <see cref="ITokenModel"/> on the Eq. 7 loss with AdamW, a linear warm-up/decay schedule and
/// gradient clipping, over the parameters that require gradients (with LoRA: the adapters). <see cref="Fit"/> runs
/// a whole schedule with checkpoints; <see cref="TrainEpoch"/> runs one pass and is what methods that interleave
/// their own steps (ToV) call. Not thread-safe; one trainer per model.
/// </summary>
public sealed class Trainer : IDisposable
{
    public const string OptimizerFileName = "optimizer.bin";
    public const string StateFileName = "trainer-state.json";
    public const string RngFileName = "rng-state.bin";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly nn.Module _module;
    private readonly ITokenModel _model;
    private readonly Parameter[] _trainable;
    private readonly Stopwatch _sinceCheckpoint = Stopwatch.StartNew();

    /// <param name="module">The model as a module (for train/eval mode and its parameters).</param>
    /// <param name="model">The same model as a token model (usually the same object as <paramref name="module"/>).</param>
    /// <param name="totalSteps">Steps the schedule spans; <see cref="TrainingOptions.TotalSteps"/> gives it for a batch count.</param>
    public Trainer(nn.Module module, ITokenModel model, TrainingOptions options, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(model);
        Options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        _module = module;
        _model = model;
        var named = AdamWOptimizer.Trainable(module).ToArray();
        if (named.Length == 0) throw new ArgumentException("The model has no parameter that requires a gradient: nothing to train.", nameof(module));
        _trainable = named.Select(p => p.Parameter).ToArray();
        Optimizer = new AdamWOptimizer(named, Options.Beta1, Options.Beta2, Options.Epsilon, Options.WeightDecay);
        Schedule = LinearWarmupSchedule.From(Options, totalSteps);
        State = new TrainerState(0, 0, 0, totalSteps);
        // Seeds dropout and any other libtorch randomness, as Hugging Face's Trainer does at start.
        torch.manual_seed(Options.Seed);
    }

    public static Trainer Create<TModel>(TModel model, TrainingOptions options, int totalSteps) where TModel : nn.Module, ITokenModel =>
        new(model, model, options, totalSteps);

    /// <summary>A trainer whose schedule spans the whole run over <paramref name="source"/>.</summary>
    public static Trainer Create<TModel>(TModel model, TrainingOptions options, BatchSource source) where TModel : nn.Module, ITokenModel =>
        new(model, model, options, options.Validate().TotalSteps(source.BatchesPerEpoch));

    public TrainingOptions Options { get; }
    public AdamWOptimizer Optimizer { get; }
    public LinearWarmupSchedule Schedule { get; }
    public TrainerState State { get; private set; }
    public int TotalSteps => State.TotalSteps;
    public bool IsFinished => State.GlobalStep >= State.TotalSteps;

    /// <summary>The scheduled rate of the next step (the last step's once the schedule is used up).</summary>
    public double CurrentLearningRate => Schedule.LearningRate(Math.Min(State.GlobalStep, TotalSteps - 1));

    public IReadOnlyList<AdamMoments> GetAdamMoments() => Optimizer.GetAdamMoments();

    /// <summary>
    /// Trains epoch by epoch from the current state until the schedule is used up. After each epoch
    /// <paramref name="onEpochEnd"/> runs (it may call <see cref="TrainEpoch"/> itself), then the epoch checkpoint is
    /// written if asked for; <paramref name="saveModel"/> writes the model's own files into each checkpoint folder.
    /// <paramref name="afterStep"/> runs after every optimizer step, before that step's checkpoint (so what it records
    /// is in the checkpoint); it may evaluate the model, which is put back in training mode after it.
    /// </summary>
    public TrainingResult Fit(
        BatchSource source,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default,
        Action<EpochEnd>? onEpochEnd = null,
        Action<string>? saveModel = null,
        Action<Trainer>? afterStep = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(source.BatchesPerEpoch);
        var epochs = new List<EpochResult>();
        var checkpoints = new List<string>();
        while (!IsFinished && State.Epoch < Options.Epochs)
        {
            int epoch = State.Epoch;
            var result = RunPass(source.ForEpoch(epoch), EpochSettings.Default, progress, cancellationToken, skipBatches: State.BatchInEpoch,
                afterStep: () =>
                {
                    if (afterStep is not null)
                    {
                        afterStep(this);
                        _module.train();
                    }
                    MaybeCheckpoint(saveModel, checkpoints);
                });
            epochs.Add(result);
            onEpochEnd?.Invoke(new EpochEnd(epoch, result, this));
            if (Options.CheckpointEachEpoch) WriteCheckpoint(saveModel, checkpoints);
        }
        return new TrainingResult(epochs, State, checkpoints);
    }

    /// <summary>
    /// One pass over <paramref name="batches"/>, one optimizer step per <see cref="TrainingOptions.GradientAccumulationSteps"/>
    /// batches. Batches with no predicted position are skipped (counted in the result). A completed pass with the
    /// default settings moves the run to the next epoch. See <see cref="EpochSettings"/> for side passes at a scaled rate.
    /// </summary>
    public EpochResult TrainEpoch(IEnumerable<Batch> batches, EpochSettings? settings = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        return RunPass(batches, (settings ?? EpochSettings.Default).Validate(), progress, cancellationToken, skipBatches: 0, afterStep: null);
    }

    /// <summary>Writes optimizer state, trainer state and libtorch's generator state into <paramref name="directory"/>.</summary>
    public void SaveState(string directory)
    {
        Directory.CreateDirectory(directory);
        Optimizer.Save(Path.Combine(directory, OptimizerFileName));
        AtomicFile.Write(Path.Combine(directory, StateFileName), s => JsonSerializer.Serialize(s, State, JsonOptions));
        using var rng = torch.get_rng_state();
        var bytes = rng.data<byte>().ToArray();
        AtomicFile.Write(Path.Combine(directory, RngFileName), s => s.Write(bytes));
    }

    /// <summary>
    /// Restores what <see cref="SaveState"/> wrote, so <see cref="Fit"/> continues the schedule and the epoch where
    /// the checkpoint was taken. The model's own weights are the caller's to restore.
    /// </summary>
    public void LoadState(string directory)
    {
        var statePath = Path.Combine(directory, StateFileName);
        var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(statePath))
            ?? throw new InvalidDataException($"{statePath} is empty.");
        if (state.TotalSteps != TotalSteps)
            throw new InvalidOperationException(
                $"The checkpoint's schedule spans {state.TotalSteps} steps, this trainer's {TotalSteps}: resume with the same options and data.");
        Optimizer.Load(Path.Combine(directory, OptimizerFileName));
        var rngPath = Path.Combine(directory, RngFileName);
        if (File.Exists(rngPath))
        {
            using var rng = torch.tensor(File.ReadAllBytes(rngPath));
            torch.set_rng_state(rng);
        }
        State = state;
    }

    public void Dispose() => Optimizer.Dispose();

    private EpochResult RunPass(IEnumerable<Batch> batches, EpochSettings settings, IProgress<TrainingProgress>? progress, CancellationToken ct, int skipBatches, Action? afterStep)
    {
        int steps = 0, skippedBatches = 0;
        double lossSum = 0;
        bool completed = true;
        _module.train();
        try
        {
            using var enumerator = batches.GetEnumerator();
            bool more = Skip(enumerator, skipBatches);
            while (more)
            {
                ct.ThrowIfCancellationRequested();
                if ((settings.MaxSteps is { } max && steps >= max) || (settings.AdvanceSchedule && IsFinished))
                {
                    completed = !HasMore(enumerator);
                    break;
                }
                var outcome = Step(enumerator, settings);
                skippedBatches += outcome.SkippedBatches;
                if (outcome.Progress is { } done)
                {
                    steps++;
                    lossSum += done.Loss;
                    progress?.Report(done);
                    afterStep?.Invoke();
                }
                more = !outcome.Exhausted;
            }
        }
        finally
        {
            _module.eval();
        }
        if (settings.AdvanceSchedule && completed) State = State with { Epoch = State.Epoch + 1, BatchInEpoch = 0 };
        return new EpochResult(steps, skippedBatches, steps > 0 ? lossSum / steps : double.NaN, completed);
    }

    // Passes over batches a resumed epoch already trained on; false when the epoch has no more.
    private static bool Skip(IEnumerator<Batch> enumerator, int count)
    {
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            if (!enumerator.MoveNext()) return false;
        }
        return true;
    }

    // Whether an enumerator that stopped early had batches left; peeks inside a scope so a lazy batch is freed.
    private static bool HasMore(IEnumerator<Batch> enumerator)
    {
        using var scope = NewDisposeScope();
        return enumerator.MoveNext();
    }

    /// <summary>
    /// One optimizer step over up to <see cref="TrainingOptions.GradientAccumulationSteps"/> batches. Each batch's
    /// Eq. 7 mean is back-propagated times its example count and the summed gradient divided by the step's example
    /// count, so the step follows Eq. 7 over all its examples whatever the batch sizes.
    /// </summary>
    private StepOutcome Step(IEnumerator<Batch> enumerator, EpochSettings settings)
    {
        var clock = Stopwatch.StartNew();
        double lr = settings.FixedLearningRate ?? CurrentLearningRate * settings.LearningRateScale;
        int batches = 0, skipped = 0;
        long examples = 0, excluded = 0, tokens = 0;
        double lossTimesExamples = 0;
        bool exhausted = false;
        using var stepScope = NewDisposeScope();
        Optimizer.ZeroGrad();
        try
        {
            while (batches < Options.GradientAccumulationSteps)
            {
                // The enumerator advances inside the batch's scope, so a lazily collated batch and the forward
                // pass's tensors are freed before the next batch of the step.
                using var batchScope = NewDisposeScope();
                if (!enumerator.MoveNext()) { exhausted = true; break; }
                batches++;
                var batch = enumerator.Current;
                tokens += batch.AttentionMask.sum().item<long>();
                var loss = Losses.MeanExampleLoss(_model.TargetLogProbs(batch), batch.TargetMask);
                excluded += loss.ExcludedExamples;
                if (loss.IncludedExamples == 0) { skipped++; continue; }
                double value = loss.Value.item<float>();
                if (!double.IsFinite(value)) throw new TrainingDivergedException(State.GlobalStep, "loss", value);
                using (Scalar included = SafeScalars.Owned(loss.IncludedExamples)) loss.Value.mul(included).backward();
                examples += loss.IncludedExamples;
                lossTimesExamples += value * loss.IncludedExamples;
            }
            if (settings.AdvanceSchedule) State = State with { BatchInEpoch = State.BatchInEpoch + batches };
            if (examples == 0) return new StepOutcome(null, skipped, exhausted);
            ScaleGradients(1.0 / examples);
            double gradNorm = Options.MaxGradNorm is { } maxNorm
                ? GradientClipping.ClipByGlobalNorm(_trainable, maxNorm)
                : GradientClipping.GlobalNorm(_trainable);
            if (!double.IsFinite(gradNorm)) throw new TrainingDivergedException(State.GlobalStep, "gradient norm", gradNorm);
            if (settings.Rule == StepRule.AdamW) Optimizer.Step(lr);
            else Optimizer.PreconditionedStep(lr, matchAdamLength: settings.Rule == StepRule.PreconditionedAdamLength);
            if (settings.AdvanceSchedule) State = State with { GlobalStep = State.GlobalStep + 1 };
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            var progress = new TrainingProgress(State.GlobalStep, TotalSteps, State.Epoch, lossTimesExamples / examples, lr, gradNorm, tokens / seconds, (int)examples, (int)excluded);
            return new StepOutcome(progress, skipped, exhausted);
        }
        finally
        {
            Optimizer.ZeroGrad();
        }
    }

    private void ScaleGradients(double factor)
    {
        if (factor == 1.0) return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using Scalar scale = SafeScalars.Owned(factor); // a local, not an implicit temporary (see Runtime/SafeScalars)
        foreach (var grad in _trainable.Select(p => p.grad).OfType<Tensor>()) grad.mul_(scale);
    }

    private sealed record StepOutcome(TrainingProgress? Progress, int SkippedBatches, bool Exhausted);

    private void MaybeCheckpoint(Action<string>? saveModel, List<string> checkpoints)
    {
        bool bySteps = Options.CheckpointEverySteps is { } every && State.GlobalStep % every == 0;
        bool byTime = Options.CheckpointEverySeconds is { } seconds && _sinceCheckpoint.Elapsed.TotalSeconds >= seconds;
        if (bySteps || byTime) WriteCheckpoint(saveModel, checkpoints);
    }

    /// <summary>
    /// Writes a checkpoint of the state now (between steps) into <see cref="TrainingOptions.CheckpointDirectory"/>
    /// and returns its folder: what a run stopped on purpose (cancelled) saves before it ends.
    /// </summary>
    public string WriteCheckpointNow(Action<string>? saveModel)
    {
        if (string.IsNullOrWhiteSpace(Options.CheckpointDirectory))
            throw new InvalidOperationException("No CheckpointDirectory in the training options.");
        var written = new List<string>();
        WriteCheckpoint(saveModel, written);
        return written[^1];
    }

    /// <summary>The newest <c>step-NNNNNN</c> checkpoint folder under <paramref name="checkpointDirectory"/> that is complete, or null.</summary>
    public static string? LatestCheckpoint(string checkpointDirectory) =>
        Directory.Exists(checkpointDirectory)
            ? Directory.EnumerateDirectories(checkpointDirectory, "step-*")
                .Where(d => File.Exists(Path.Combine(d, CompleteMarker)))
                .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
                .LastOrDefault()
            : null;

    /// <summary>Written last into a checkpoint folder: a folder without it was cut off while being written.</summary>
    public const string CompleteMarker = "checkpoint-complete";

    // An epoch checkpoint at the same step as a step checkpoint rewrites it: the state has moved on since
    // (next epoch, and whatever the epoch callback trained).
    private void WriteCheckpoint(Action<string>? saveModel, List<string> checkpoints)
    {
        var dir = Path.Combine(Options.CheckpointDirectory!, $"step-{State.GlobalStep:D6}");
        // Rewriting a folder first drops its marker, so a kill half-way never leaves it looking complete.
        if (Directory.Exists(dir)) File.Delete(Path.Combine(dir, CompleteMarker));
        SaveState(dir);
        saveModel?.Invoke(dir);
        AtomicFile.WriteText(Path.Combine(dir, CompleteMarker), w => w.Write(State.GlobalStep.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        _sinceCheckpoint.Restart();
        if (checkpoints.Count == 0 || checkpoints[^1] != dir) checkpoints.Add(dir);
        if (Options.KeepLastCheckpoints is { } keep) PruneCheckpoints(Options.CheckpointDirectory!, keep, dir);
    }

    // Older complete checkpoints beyond the newest `keep` go; the one just written always stays.
    private static void PruneCheckpoints(string root, int keep, string current)
    {
        var complete = Directory.EnumerateDirectories(root, "step-*")
            .OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal).ToList();
        foreach (var old in complete.Skip(keep).Where(d => d != current))
            Directory.Delete(old, recursive: true);
    }
}
