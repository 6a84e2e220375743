namespace Winnow.Torch.Tasks;

/// <summary>Options for <see cref="TaskModel.Load"/>.</summary>
public sealed record TaskModelOptions
{
    /// <summary>Longest encoded example in tokens; longer ones are truncated by the encoders' rules.</summary>
    public int MaxLength { get; init; } = 256;

    /// <summary>Seed for whatever the checkpoint does not provide (a fresh NER head).</summary>
    public long Seed { get; init; }

    public TaskModelOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLength, 8, nameof(MaxLength));
        return this;
    }
}
