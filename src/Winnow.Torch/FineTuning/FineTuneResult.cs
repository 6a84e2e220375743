namespace Winnow.Torch.FineTuning;

/// <summary>What a fine-tuning run did.</summary>
public sealed record FineTuneResult(int Examples, int Steps, double FirstEpochLoss, double LastEpochLoss, long TrainableParameters, TimeSpan Elapsed)
{
    /// <summary>Validation loss after each epoch (empty without a validation set).</summary>
    public IReadOnlyList<double> ValidationLosses { get; init; } = [];

    /// <summary>The epoch (1-based) whose weights the model ends with: the last, or the best on validation under <see cref="FineTuneOptions.SelectEpoch"/>.</summary>
    public int KeptEpoch { get; init; }
}
