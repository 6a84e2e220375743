using System.Diagnostics;
using Winnow.Torch.Training;

namespace Winnow.Cli.Commands;

/// <summary>
/// Training progress as plain lines on stderr at most every couple of seconds (and at the last step): readable in a
/// terminal, in CI logs and when piped, where a redrawn bar would not be.
/// </summary>
internal sealed class ConsoleProgress(string label, double intervalSeconds = 2.0) : IProgress<TrainingProgress>, IProgress<string>
{
    /// <summary>A shared instance for commands that only report text lines.</summary>
    public static ConsoleProgress Instance { get; } = new("winnow");

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastPrinted = double.NegativeInfinity;
    private (int Step, double Seconds)? _first;

    public void Report(TrainingProgress value)
    {
        double now = _clock.Elapsed.TotalSeconds;
        // Time left from the pace of this process's own steps (a resumed run starts counting at its first step).
        _first ??= (value.Step, now);
        if (now - _lastPrinted < intervalSeconds && value.Step < value.TotalSteps) return;
        _lastPrinted = now;
        int done = value.Step - _first.Value.Step;
        string left = done > 0 && value.Step < value.TotalSteps
            ? $", {TimeSpan.FromSeconds((now - _first.Value.Seconds) / done * (value.TotalSteps - value.Step)):hh\\:mm\\:ss} left"
            : "";
        Console.Error.WriteLine(
            $"  {label}: step {value.Step}/{value.TotalSteps} epoch {value.Epoch + 1} loss {value.Loss:F4} lr {value.LearningRate:0.###e+0} {value.TokensPerSecond:N0} tok/s{left}");
    }

    public void Report(string value) => Console.Error.WriteLine($"  {value}");
}
