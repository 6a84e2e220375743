namespace Winnow.Torch.Tasks;

/// <summary>Options for <see cref="NerEncoder"/>.</summary>
public sealed record NerEncodingOptions
{
    /// <summary>Maximum sequence length in tokens, cls and sep included.</summary>
    public int MaxLength { get; init; } = 512;

    public void Validate() => ArgumentOutOfRangeException.ThrowIfLessThan(MaxLength, 3, nameof(MaxLength));
}
