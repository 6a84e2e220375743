namespace Winnow.Torch.Tasks;

/// <summary>Options for <see cref="InstructionEncoder"/>.</summary>
public sealed record InstructionEncodingOptions
{
    /// <summary>Maximum sequence length in tokens, bos and eos included.</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary>Prefix the tokenizer's bos token (when it has one): gives the first prompt token a context.</summary>
    public bool AddBos { get; init; } = true;

    /// <summary>End the completion with eos (when the tokenizer has one), so the model learns to stop.</summary>
    public bool AddEos { get; init; } = true;

    /// <summary>When the completion alone does not fit, this much of the prompt's end is kept before it is cut.</summary>
    public int MinPromptTokens { get; init; } = 16;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLength, 2, nameof(MaxLength));
        ArgumentOutOfRangeException.ThrowIfNegative(MinPromptTokens, nameof(MinPromptTokens));
        if (MinPromptTokens >= MaxLength - 1)
            throw new ArgumentOutOfRangeException(nameof(MinPromptTokens), MinPromptTokens, "MinPromptTokens must leave room for the completion.");
    }
}
