using Winnow.Core.Data;
using Winnow.Torch.Tokenization;

namespace Winnow.Torch.Tasks;

/// <summary>
/// Causal-LM encoding of an instruction example: ids = [bos] + prompt + completion + [eos], Targets[t] = ids[t+1], and
/// the loss only on positions whose next token is part of the response (completion + eos).
/// Truncation keeps the whole completion by cutting the prompt from the left; a completion too long on its own is cut
/// from the right after keeping <see cref="InstructionEncodingOptions.MinPromptTokens"/> of the prompt.
/// </summary>
public sealed class InstructionEncoder
{
    private readonly WinnowTokenizer _tokenizer;
    private readonly InstructionEncodingOptions _options;

    public InstructionEncoder(WinnowTokenizer tokenizer, InstructionEncodingOptions? options = null)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _options = options ?? new InstructionEncodingOptions();
        _options.Validate();
    }

    public EncodingResult Encode(InstructionExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return Encode(example.Id, example.Prompt, example.Completion);
    }

    public IEnumerable<EncodingResult> EncodeAll(IEnumerable<InstructionExample> examples) => examples.Select(Encode);

    public EncodingResult Encode(string id, string prompt, string completion)
    {
        int[] bos = _options.AddBos && _tokenizer.Bos is int b ? [b] : [];
        int[] prompted = _tokenizer.Encode(prompt);
        int[] response = _options.AddEos && _tokenizer.Eos is int e ? [.. _tokenizer.Encode(completion), e] : _tokenizer.Encode(completion);
        if (response.Length == 0)
            return EncodingResult.Skipped(id, "empty completion and no eos token: nothing to predict");

        var (keptPrompt, keptResponse) = Fit(bos.Length, prompted.Length, response.Length);
        int dropped = prompted.Length - keptPrompt + response.Length - keptResponse;
        int[] ids = [.. bos, .. prompted[^keptPrompt..], .. response[..keptResponse]];
        int responseStart = bos.Length + keptPrompt;
        var example = CausalTargets(id, ids, firstPredicted: Math.Max(responseStart, 1));
        return example.PredictedCount == 0
            ? EncodingResult.Skipped(id, $"no completion token fits in MaxLength {_options.MaxLength} after a context token", dropped)
            : EncodingResult.Ok(example, dropped);
    }

    // How many prompt tokens (from the end) and response tokens (from the start) fit.
    private (int Prompt, int Response) Fit(int bos, int prompt, int response)
    {
        int room = _options.MaxLength - bos;
        if (prompt + response <= room) return (prompt, response);
        if (response <= room - Math.Min(prompt, 1)) return (room - response, response);
        int keptPrompt = Math.Min(prompt, _options.MinPromptTokens);
        return (keptPrompt, room - keptPrompt);
    }

    /// <summary>
    /// Targets[t] = ids[t+1]; the mask is on for positions t with t+1 ≥ <paramref name="firstPredicted"/> — position t's
    /// next token is then a response token. The last position has no next token.
    /// </summary>
    internal static EncodedExample CausalTargets(string id, int[] ids, int firstPredicted)
    {
        var targets = new int[ids.Length];
        var mask = new bool[ids.Length];
        for (int t = 0; t + 1 < ids.Length; t++)
        {
            targets[t] = ids[t + 1];
            mask[t] = t + 1 >= firstPredicted;
        }
        return new EncodedExample(id, ids, targets, mask);
    }
}
