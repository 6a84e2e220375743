namespace Winnow.Torch.Tasks;

/// <summary>Options for <see cref="MaskedLmEncoder"/> (BERT's recipe by default).</summary>
public sealed record MaskedLmEncodingOptions
{
    public int MaxLength { get; init; } = 512;

    /// <summary>Share of the text positions chosen for prediction (exactly round(p·n), at least one).</summary>
    public double MaskProbability { get; init; } = 0.15;

    /// <summary>Of the chosen positions: share replaced by the mask token.</summary>
    public double MaskTokenShare { get; init; } = 0.8;

    /// <summary>Of the chosen positions: share replaced by a random non-special token (the rest stay unchanged).</summary>
    public double RandomTokenShare { get; init; } = 0.1;

    public int Seed { get; init; } = 17;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLength, 3, nameof(MaxLength));
        if (MaskProbability is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(MaskProbability), MaskProbability, "must be in (0, 1].");
        if (MaskTokenShare < 0 || RandomTokenShare < 0 || MaskTokenShare + RandomTokenShare > 1)
            throw new ArgumentOutOfRangeException(nameof(MaskTokenShare), "MaskTokenShare and RandomTokenShare must be ≥ 0 and sum to at most 1.");
    }
}
