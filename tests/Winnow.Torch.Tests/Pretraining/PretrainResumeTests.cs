using Winnow.Torch.Pretraining;
using Winnow.Torch.Tests.TestSupport;
using Winnow.Torch.Training;

namespace Winnow.Torch.Tests.Pretraining;

/// <summary>
/// A pre-training run that is killed (an exception, nothing saved on the way out) or cancelled (a last checkpoint)
/// and then resumed must train exactly the steps an uninterrupted run trains: the same per-step losses, the same
/// held-out curve and the same weights, in a folder of the same name.
/// </summary>
[Collection(TorchSerialCollection.Name)]
public class PretrainResumeTests
{
    private static readonly PretrainOptions Options = new()
    {
        Family = PretrainFamily.Lm, Preset = "tiny", VocabSize = 400, Steps = 12, BatchSize = 8, SequenceLength = 48,
        MaxTexts = 300, HeldOutFraction = 0.1, LearningRate = 3e-3,
    };

    private static readonly PretrainRunSettings Settings = new() { CheckpointEverySteps = 4, EvalEverySteps = 3, EvalProbeExamples = 16 };

    private static string[] Corpus => [RepoPaths.Samples("instruct", "pool")];

    private sealed class Recorder(Action<TrainingProgress>? after = null) : IProgress<TrainingProgress>
    {
        public List<(int Step, double Loss)> Losses { get; } = [];

        public void Report(TrainingProgress value)
        {
            Losses.Add((value.Step, value.Loss));
            after?.Invoke(value);
        }
    }

    private sealed class Killed : Exception;

    [Fact]
    public void KilledRunResumedFromItsLastCheckpointEqualsAnUninterruptedOne()
    {
        using var straightDir = new TempDir();
        var straightSteps = new Recorder();
        var straight = Pretrainer.Run(Corpus, straightDir.Path, Options, progress: straightSteps, run: Settings);

        using var dir = new TempDir();
        var first = new Recorder(p => { if (p.Step == 7) throw new Killed(); });
        Assert.Throws<Killed>(() => Pretrainer.Run(Corpus, dir.Path, Options, progress: first, run: Settings));
        var partial = Pretrainer.ModelDirectory(Corpus, dir.Path, Options) + ".partial";
        Assert.True(Directory.Exists(partial));
        Assert.False(Directory.Exists(Pretrainer.ModelDirectory(Corpus, dir.Path, Options)));

        // Without --resume the stopped run is not thrown away silently.
        var refused = Assert.Throws<PretrainRunException>(() => Pretrainer.Run(Corpus, dir.Path, Options, run: Settings));
        Assert.Contains("--resume", refused.Message);
        Assert.Contains(partial, refused.Message);

        var second = new Recorder();
        var resumed = Pretrainer.Run(Corpus, dir.Path, Options, progress: second, run: Settings with { Resume = true });

        // The kill came after step 7; the last checkpoint was step 4, so steps 5-7 are trained again.
        Assert.Equal(5, second.Losses[0].Step);
        var joined = first.Losses.Where(l => l.Step <= 4).Concat(second.Losses).ToList();
        Assert.Equal(straightSteps.Losses, joined);
        AssertSameModel(straight, resumed);
        Assert.Equal(1, resumed.Resumes);
        Assert.False(Directory.Exists(partial));
    }

    [Fact]
    public void CancelledRunSavesWhereItStoppedAndResumesFromThere()
    {
        using var straightDir = new TempDir();
        var straightSteps = new Recorder();
        var straight = Pretrainer.Run(Corpus, straightDir.Path, Options, progress: straightSteps, run: Settings);

        using var dir = new TempDir();
        using var cts = new CancellationTokenSource();
        var first = new Recorder(p => { if (p.Step == 6) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => Pretrainer.Run(Corpus, dir.Path, Options, progress: first, cancellationToken: cts.Token, run: Settings));

        var second = new Recorder();
        var resumed = Pretrainer.Run(Corpus, dir.Path, Options, progress: second, run: Settings with { Resume = true });
        Assert.Equal(7, second.Losses[0].Step);
        Assert.Equal(straightSteps.Losses, first.Losses.Concat(second.Losses).ToList());
        AssertSameModel(straight, resumed);
    }

    private static void AssertSameModel(PretrainReport straight, PretrainReport resumed)
    {
        Assert.Equal(Path.GetFileName(straight.Directory), Path.GetFileName(resumed.Directory));
        Assert.Equal(straight.HeldOutLossUntrained, resumed.HeldOutLossUntrained);
        Assert.Equal(straight.HeldOutLossTrained, resumed.HeldOutLossTrained);
        Assert.Equal(straight.Curve!.Select(p => (p.Step, p.HeldOutLoss)), resumed.Curve!.Select(p => (p.Step, p.HeldOutLoss)));
        Assert.Equal([0, 3, 6, 9, 12], straight.Curve!.Select(p => p.Step));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(straight.Directory, "model.safetensors")),
            File.ReadAllBytes(Path.Combine(resumed.Directory, "model.safetensors")));
    }
}
