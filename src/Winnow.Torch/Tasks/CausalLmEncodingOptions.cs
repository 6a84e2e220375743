namespace Winnow.Torch.Tasks;

/// <summary>Options for <see cref="CausalLmEncoder"/>.</summary>
public sealed record CausalLmEncodingOptions
{
    public int MaxLength { get; init; } = 512;

    /// <summary>Mark document ends with eos so the model sees where texts stop (GPT-2's convention).</summary>
    public bool AddEos { get; init; } = true;

    public void Validate() => ArgumentOutOfRangeException.ThrowIfLessThan(MaxLength, 2, nameof(MaxLength));
}
