namespace Winnow.Torch.Training;

/// <summary>
/// The loss or the gradient norm stopped being finite. Thrown before the optimizer applies the bad update, so the
/// model holds the parameters of the last good step.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(int step, string quantity, double value)
        : base($"Training diverged at step {step}: the {quantity} is {value}. " +
               "Lower the learning rate (or the warm-up's peak), check the data for empty or corrupt examples, or keep gradient clipping on.")
    {
        Step = step;
        Quantity = quantity;
        Value = value;
    }

    public TrainingDivergedException() : this(0, "loss", double.NaN) { }
    public TrainingDivergedException(string message) : base(message) { Quantity = "loss"; Value = double.NaN; }
    public TrainingDivergedException(string message, Exception inner) : base(message, inner) { Quantity = "loss"; Value = double.NaN; }

    /// <summary>0-based global step of the update that failed.</summary>
    public int Step { get; }

    /// <summary>"loss" or "gradient norm".</summary>
    public string Quantity { get; }

    public double Value { get; }
}
