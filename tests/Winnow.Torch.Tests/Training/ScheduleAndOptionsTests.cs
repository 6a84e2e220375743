using Winnow.Torch.Training;

namespace Winnow.Torch.Tests.Training;

public class ScheduleAndOptionsTests
{
    [Theory]
    [InlineData(0, 0.0)]     // Hugging Face's first warm-up step has rate 0
    [InlineData(5, 0.5)]
    [InlineData(10, 1.0)]    // warm-up done: the peak
    [InlineData(60, 0.5)]    // half-way through the 100 decay steps
    [InlineData(109, 0.01)]  // the last step
    [InlineData(110, 0.0)]
    [InlineData(500, 0.0)]   // never negative past the end
    public void LinearWarmupThenLinearDecay(int step, double factor)
    {
        var schedule = new LinearWarmupSchedule(2e-4, warmupSteps: 10, totalSteps: 110);
        Assert.Equal(factor, schedule.Factor(step), 12);
        Assert.Equal(2e-4 * factor, schedule.LearningRate(step), 15);
    }

    [Fact]
    public void NoWarmupStartsAtThePeak()
    {
        var schedule = new LinearWarmupSchedule(1.0, warmupSteps: 0, totalSteps: 4);
        Assert.Equal(new[] { 1.0, 0.75, 0.5, 0.25, 0.0 }, Enumerable.Range(0, 5).Select(schedule.Factor));
    }

    [Fact]
    public void WarmupFractionRoundsUpAndStepsOverrideIt()
    {
        var options = new TrainingOptions();
        Assert.Equal(0.03, options.WarmupFraction);
        Assert.Equal(3, options.ResolveWarmupSteps(100));
        Assert.Equal(4, options.ResolveWarmupSteps(101));
        Assert.Equal(7, (options with { WarmupSteps = 7 }).ResolveWarmupSteps(100));
    }

    [Fact]
    public void TotalStepsComesFromEpochsCappedByMaxSteps()
    {
        Assert.Equal(30, new TrainingOptions { Epochs = 3 }.TotalSteps(10));
        Assert.Equal(25, new TrainingOptions { Epochs = 3, MaxSteps = 25 }.TotalSteps(10));
        Assert.Equal(30, new TrainingOptions { Epochs = 3, MaxSteps = 99 }.TotalSteps(10));
    }

    [Fact]
    public void DefaultsAreValid() => new TrainingOptions().Validate();

    [Fact]
    public void ValidationNamesEveryBadSetting()
    {
        var bad = new TrainingOptions { LearningRate = 0, Beta2 = 1.0, MaxGradNorm = -1, Epochs = 0, CheckpointEachEpoch = true };
        var e = Assert.Throws<ArgumentException>(() => bad.Validate());
        Assert.Contains("LearningRate", e.Message);
        Assert.Contains("Beta2", e.Message);
        Assert.Contains("MaxGradNorm", e.Message);
        Assert.Contains("Epochs", e.Message);
        Assert.Contains("CheckpointDirectory", e.Message);
    }

    [Fact]
    public void NaNLearningRateIsRejected() =>
        Assert.Throws<ArgumentException>(() => new TrainingOptions { LearningRate = double.NaN }.Validate());
}
