using TorchSharp.Modules;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tests.TestSupport;
using Winnow.Torch.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Training;

[Collection(TorchSerialCollection.Name)]
public class TrainerTests(ITestOutputHelper output)
{
    private static readonly TrainingOptions Fast = new()
    {
        LearningRate = 1e-2,
        WarmupSteps = 0,
        BatchSize = 4,
        Epochs = 1,
    };

    [Fact]
    public void OverfitsAHandfulOfExamplesTwentyFoldIn200Steps()
    {
        // One thread: libtorch's intra-op pool only adds overhead on tensors this small.
        using var threads = new SingleThreaded();
        var examples = TinyData.Sequences(4, seed: 3);
        using var model = new TinyTokenModel();
        var options = Fast with { Epochs = 200, LearningRate = 2e-2, WarmupSteps = 5 };
        var source = Source(examples, options);
        double before = BatchLoss(model, examples);

        using var trainer = Trainer.Create(model, options, source);
        var result = trainer.Fit(source);

        double after = BatchLoss(model, examples);
        output.WriteLine($"loss {before:F4} -> {after:F4} ({before / after:F1}x)");
        Assert.Equal(200, result.FinalState.GlobalStep);
        Assert.True(after * 20 <= before, $"loss {before:F4} -> {after:F4}, expected at least a 20x drop (about 300x seen)");
    }

    [Fact]
    public void SameSeedGivesBitIdenticalParameters()
    {
        using var threads = new SingleThreaded();
        var examples = TinyData.Sequences(12);
        var options = Fast with { Epochs = 3, Seed = 11 };

        var first = TrainFresh(examples, options);
        var second = TrainFresh(examples, options);
        var otherSeed = TrainFresh(examples, options with { Seed = 12 });

        foreach (var name in first.Keys) Assert.Equal(first[name], second[name]);
        Assert.Contains(first.Keys, name => !first[name].SequenceEqual(otherSeed[name]));
    }

    [Fact]
    public void ResumingFromACheckpointMatchesAnUninterruptedRun()
    {
        using var threads = new SingleThreaded();
        using var dir = new TempDir();
        var examples = TinyData.Sequences(12);
        // 3 batches per epoch, 2 epochs: 6 steps; the checkpoint at step 4 is in the middle of the second epoch.
        var options = Fast with { Epochs = 2, WarmupSteps = 2, CheckpointEverySteps = 2, CheckpointDirectory = dir.Path };
        var source = Source(examples, options);

        var uninterrupted = TrainFresh(examples, options with { CheckpointEverySteps = null, CheckpointDirectory = null });

        var saved = new Dictionary<string, Dictionary<string, float[]>>();
        using var cts = new CancellationTokenSource();
        using (var model = new TinyTokenModel())
        using (var trainer = Trainer.Create(model, options, source))
        {
            var stopAtFour = new RecordingProgress<TrainingProgress>(p => { if (p.Step == 4) cts.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => trainer.Fit(source, stopAtFour, cts.Token, saveModel: d => saved[d] = model.Snapshot()));
        }
        var checkpoint = Path.Combine(dir.Path, "step-000004");
        Assert.True(File.Exists(Path.Combine(checkpoint, Trainer.OptimizerFileName)));

        using var resumedModel = new TinyTokenModel();
        resumedModel.Load(saved[checkpoint]);
        using var resumed = Trainer.Create(resumedModel, options, source);
        resumed.LoadState(checkpoint);
        Assert.Equal(new TrainerState(4, 1, 1, 6), resumed.State);
        var result = resumed.Fit(source);

        Assert.Equal(6, result.FinalState.GlobalStep);
        var final = resumedModel.Snapshot();
        foreach (var name in uninterrupted.Keys) Assert.Equal(uninterrupted[name], final[name]);
    }

    [Fact]
    public void CheckpointsEachEpochCarryAdamMoments()
    {
        using var dir = new TempDir();
        var examples = TinyData.Sequences(8);
        // Step checkpoints every 2 steps fall on the epoch ends too: the epoch checkpoint, written later, wins.
        var options = Fast with { Epochs = 2, CheckpointEachEpoch = true, CheckpointEverySteps = 2, CheckpointDirectory = dir.Path };
        var source = Source(examples, options);
        using var model = new TinyTokenModel();
        using var trainer = Trainer.Create(model, options, source);

        var result = trainer.Fit(source, saveModel: d => File.WriteAllText(Path.Combine(d, "model.txt"), "weights"));

        Assert.Equal([Path.Combine(dir.Path, "step-000002"), Path.Combine(dir.Path, "step-000004")], result.Checkpoints);
        using (var other = new TinyTokenModel())
        using (var reloaded = Trainer.Create(other, options, source))
        {
            reloaded.LoadState(result.Checkpoints[0]);
            Assert.Equal(new TrainerState(2, 1, 0, 4), reloaded.State);
        }
        var moments = OptimizerStateFile.Read(Path.Combine(result.Checkpoints[0], Trainer.OptimizerFileName)).Parameters;
        Assert.Equal(model.named_parameters().Select(p => p.name), moments.Select(m => m.Name));
        Assert.All(moments, m => Assert.Equal(2, m.Step));
        Assert.True(File.Exists(Path.Combine(result.Checkpoints[1], "model.txt")));
        Assert.Equal(trainer.GetAdamMoments().Select(m => m.Step), Enumerable.Repeat(4L, moments.Count));
    }

    [Fact]
    public void AccumulatedBatchesGiveTheStepOfOneBigBatch()
    {
        // Uneven halves (5 + 3) would weigh examples wrongly under a mean of batch means; Eq. 7 over the step must not.
        var examples = TinyData.Sequences(8);
        var big = Fast with { BatchSize = 8, Epochs = 3 };
        var accumulated = Fast with { BatchSize = 5, GradientAccumulationSteps = 2, Epochs = 3 };

        var one = TrainUnshuffled(examples, big);
        var two = TrainUnshuffled(examples, accumulated);

        foreach (var name in one.Keys)
            for (int i = 0; i < one[name].Length; i++) Assert.Equal(one[name][i], two[name][i], 4);
    }

    [Fact]
    public void AccumulationCountsOptimizerStepsNotBatches()
    {
        var options = Fast with { GradientAccumulationSteps = 4, Epochs = 2 };
        Assert.Equal(3, options.StepsPerEpoch(10));
        Assert.Equal(6, options.TotalSteps(10));
        var examples = TinyData.Sequences(10);
        using var model = new TinyTokenModel();
        var source = BatchSource.FromExamples(examples, 1, TinyData.Collate, seed: 1);
        using var trainer = Trainer.Create(model, options, source);
        var progress = new RecordingProgress<TrainingProgress>();

        var result = trainer.Fit(source, progress);

        Assert.Equal(6, progress.Reports.Count);
        Assert.Equal(new TrainerState(6, 2, 0, 6), result.FinalState);
        Assert.All(trainer.GetAdamMoments(), m => Assert.Equal(6, m.Step));
    }

    [Fact]
    public void NaNLossStopsTheRunWithAClearException()
    {
        var examples = TinyData.Sequences(4);
        using var model = new TinyTokenModel();
        model.Poison();
        var before = model.Snapshot();
        using var trainer = Trainer.Create(model, Fast with { Epochs = 3 }, Source(examples, Fast));

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Source(examples, Fast)));

        Assert.Equal(0, e.Step);
        Assert.Equal("loss", e.Quantity);
        Assert.True(double.IsNaN(e.Value));
        Assert.Contains("Lower the learning rate", e.Message);
        Assert.False(model.training);
        var after = model.Snapshot();
        foreach (var name in before.Keys) Assert.Equal(before[name], after[name]);
    }

    [Fact]
    public void NonFiniteGradientNormStopsTheRunBeforeTheUpdate()
    {
        using var model = new SqrtAtZeroModel();
        var examples = TinyData.Sequences(2);
        using var trainer = Trainer.Create(model, Fast, totalSteps: 1);

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainEpoch([TinyData.Collate(examples)]));

        Assert.Equal("gradient norm", e.Quantity);
        Assert.Equal(0f, model.W.data<float>()[0]);
    }

    [Fact]
    public void FrozenParametersStayBitIdentical()
    {
        var examples = TinyData.Sequences(8);
        using var model = new TinyTokenModel(freezeEmbedding: true);
        var before = model.Snapshot();
        var options = Fast with { Epochs = 3 };
        using var trainer = Trainer.Create(model, options, Source(examples, options));

        trainer.Fit(Source(examples, options));

        var after = model.Snapshot();
        Assert.Equal(before["embedding"], after["embedding"]);
        Assert.NotEqual(before["output"], after["output"]);
        Assert.DoesNotContain(trainer.Optimizer.ParameterNames, n => n == "embedding");
    }

    [Fact]
    public void TrainsInTrainModeAndLeavesTheModelInEvalMode()
    {
        var examples = TinyData.Sequences(4);
        using var model = new TinyTokenModel();
        using var trainer = Trainer.Create(model, Fast, Source(examples, Fast));

        trainer.Fit(Source(examples, Fast));

        Assert.True(model.LastForwardTraining);
        Assert.True(model.LastForwardGradEnabled);
        Assert.False(model.training);
    }

    [Fact]
    public void ReportsEveryStepWithTheScheduledLearningRate()
    {
        var examples = TinyData.Sequences(16);
        var options = Fast with { LearningRate = 0.1, WarmupSteps = 2, MaxSteps = 5, Epochs = 10 };
        var source = Source(examples, options);
        using var model = new TinyTokenModel();
        using var trainer = Trainer.Create(model, options, source);
        var progress = new RecordingProgress<TrainingProgress>();

        var result = trainer.Fit(source, progress);

        Assert.Equal([1, 2, 3, 4, 5], progress.Reports.Select(p => p.Step));
        var expected = new[] { 0.0, 0.05, 0.1, 0.1 * 2 / 3, 0.1 / 3 };
        for (int i = 0; i < 5; i++) Assert.Equal(expected[i], progress.Reports[i].LearningRate, 12);
        Assert.All(progress.Reports, p =>
        {
            Assert.Equal(5, p.TotalSteps);
            Assert.True(p.Loss > 0 && p.TokensPerSecond > 0 && p.GradNorm > 0);
        });
        Assert.Equal([0, 0, 0, 0, 1], progress.Reports.Select(p => p.Epoch));
        Assert.False(result.Epochs[^1].Completed);
        Assert.Equal(new TrainerState(5, 1, 1, 5), result.FinalState);
    }

    [Fact]
    public void SidePassesScaleTheRateAndLeaveTheScheduleAlone()
    {
        var examples = TinyData.Sequences(8);
        var options = Fast with { Epochs = 2 };
        var source = Source(examples, options);
        using var model = new TinyTokenModel();
        using var trainer = Trainer.Create(model, options, source);
        var target = new[] { TinyData.Collate(examples.Take(2).ToArray()) };
        var sideReports = new RecordingProgress<TrainingProgress>();
        var epochsSeen = new List<int>();

        var result = trainer.Fit(source, onEpochEnd: end =>
        {
            epochsSeen.Add(end.Epoch);
            double scheduled = end.Trainer.CurrentLearningRate;
            var side = end.Trainer.TrainEpoch(target, new EpochSettings { LearningRateScale = 0.1, AdvanceSchedule = false }, sideReports);
            Assert.Equal(1, side.Steps);
            Assert.Equal(0.1 * scheduled, sideReports.Reports[^1].LearningRate, 15);
        });

        Assert.Equal([0, 1], epochsSeen);
        Assert.Equal(4, result.FinalState.GlobalStep);
        // Adam counted the four scheduled steps and the two side steps.
        Assert.All(trainer.GetAdamMoments(), m => Assert.Equal(6, m.Step));
    }

    /// <summary>
    /// ToV's preconditioned validation step: the side pass moves the model by the target batch's own gradient over Adam's
    /// second moment, and Adam's moments and step counts are exactly what the scheduled steps left; refused as a
    /// scheduled step, since it does not advance the optimizer.
    /// </summary>
    [Fact]
    public void PreconditionedSidePassesMoveTheModelAndLeaveAdamsState()
    {
        var examples = TinyData.Sequences(8);
        var options = Fast with { Epochs = 1 };
        var source = Source(examples, options);
        using var model = new TinyTokenModel();
        using var trainer = Trainer.Create(model, options, source);
        trainer.TrainEpoch(source.ForEpoch(0));
        var before = trainer.GetAdamMoments();
        var weights = model.Snapshot();

        var side = trainer.TrainEpoch([TinyData.Collate(examples.Take(2).ToArray())],
            new EpochSettings { FixedLearningRate = 0.01, AdvanceSchedule = false, Rule = StepRule.Preconditioned });

        Assert.Equal(1, side.Steps);
        var after = trainer.GetAdamMoments();
        for (int i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i].Step, after[i].Step);
            Assert.Equal(before[i].ExpAvg, after[i].ExpAvg);
            Assert.Equal(before[i].ExpAvgSq, after[i].ExpAvgSq);
        }
        Assert.NotEqual(weights["output"], model.Snapshot()["output"]);
        Assert.Throws<ArgumentException>(() => new EpochSettings { Rule = StepRule.Preconditioned }.Validate());
    }

    [Fact]
    public void EpochsRunThroughTrainEpochAdvanceTheRunsPosition()
    {
        var examples = TinyData.Sequences(8);
        var options = Fast with { Epochs = 2 };
        var source = Source(examples, options);
        using var model = new TinyTokenModel();
        using var trainer = Trainer.Create(model, options, source);

        var first = trainer.TrainEpoch(source.ForEpoch(0));
        var partial = trainer.TrainEpoch(source.ForEpoch(1), new EpochSettings { MaxSteps = 1 });

        Assert.True(first.Completed);
        Assert.False(partial.Completed);
        Assert.Equal(new TrainerState(3, 1, 1, 4), trainer.State);
        Assert.Equal(1, trainer.Fit(source).Epochs.Single().Steps);
        Assert.True(trainer.IsFinished);
    }

    [Fact]
    public void BatchesWithNothingToPredictAreSkipped()
    {
        var example = new TinyExample("prompt-only", [3, 4, 5, 6], PromptLength: 10);
        using var model = new TinyTokenModel();
        var before = model.Snapshot();
        using var trainer = Trainer.Create(model, Fast, totalSteps: 1);

        var result = trainer.TrainEpoch([TinyData.Collate([example])]);

        Assert.Equal(new EpochResult(0, 1, double.NaN, true), result);
        Assert.Equal(before["output"], model.Snapshot()["output"]);
    }

    [Fact]
    public void CancellationStopsTheRun()
    {
        var examples = TinyData.Sequences(4);
        using var model = new TinyTokenModel();
        using var trainer = Trainer.Create(model, Fast, Source(examples, Fast));
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => trainer.Fit(Source(examples, Fast), cancellationToken: cts.Token));
        Assert.False(model.training);
    }

    [Fact]
    public void ATrainingEpochLeavesNoTensorBehind()
    {
        var examples = TinyData.Sequences(8);
        var options = Fast with { Epochs = 3 };
        var source = Source(examples, options);
        using var model = new TinyTokenModel();
        using var trainer = Trainer.Create(model, options, source);
        trainer.TrainEpoch(source.ForEpoch(0));

        long before = LiveTensors.Count;
        trainer.TrainEpoch(source.ForEpoch(1));
        trainer.GetAdamMoments();
        long after = LiveTensors.Count;

        Assert.Equal(before, after);
    }

    [Fact]
    public void ANoParameterModelIsRefused()
    {
        using var model = new TinyTokenModel();
        foreach (var p in model.parameters()) p.requires_grad = false;
        Assert.Throws<ArgumentException>(() => Trainer.Create(model, Fast, totalSteps: 1));
    }

    private static BatchSource Source(IReadOnlyList<TinyExample> examples, TrainingOptions options) =>
        BatchSource.FromExamples(examples, options.BatchSize, TinyData.Collate, options.Seed);

    private static Dictionary<string, float[]> TrainFresh(IReadOnlyList<TinyExample> examples, TrainingOptions options)
    {
        using var model = new TinyTokenModel();
        var source = Source(examples, options);
        using var trainer = Trainer.Create(model, options, source);
        trainer.Fit(source);
        return model.Snapshot();
    }

    private static Dictionary<string, float[]> TrainUnshuffled(IReadOnlyList<TinyExample> examples, TrainingOptions options)
    {
        using var model = new TinyTokenModel();
        var source = BatchSource.FromExamples(examples, options.BatchSize, TinyData.Collate, options.Seed, shuffle: false);
        using var trainer = Trainer.Create(model, options, source);
        trainer.Fit(source);
        return model.Snapshot();
    }

    private static double BatchLoss(TinyTokenModel model, IReadOnlyList<TinyExample> examples)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = TinyData.Collate(examples);
        return Losses.MeanExampleLoss(model.TargetLogProbs(batch), batch.TargetMask).Value.item<float>();
    }

    /// <summary>log p = −sqrt(|w|) at w = 0: a finite loss whose gradient is NaN.</summary>
    private sealed class SqrtAtZeroModel : nn.Module, ITokenModel
    {
#pragma warning disable IDE1006
        private readonly Parameter w = new(zeros(1), requires_grad: true);
#pragma warning restore IDE1006

        public SqrtAtZeroModel() : base(nameof(SqrtAtZeroModel)) => RegisterComponents();

        public Parameter W => w;

        public Tensor TargetLogProbs(Batch batch) =>
            w.abs().sqrt().neg().expand(batch.Size, batch.Length).masked_fill(batch.TargetMask.logical_not(), 0.0);
    }
}
