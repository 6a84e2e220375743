using Winnow.Torch.Tokenization;

namespace Winnow.Torch.Tasks;

/// <summary>
/// Causal-LM pre-training on plain text: every position predicts the next token (the mask is on everywhere but the last
/// position, which has no next token).
/// </summary>
public sealed class CausalLmEncoder
{
    private readonly WinnowTokenizer _tokenizer;
    private readonly CausalLmEncodingOptions _options;

    public CausalLmEncoder(WinnowTokenizer tokenizer, CausalLmEncodingOptions? options = null)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _options = options ?? new CausalLmEncodingOptions();
        _options.Validate();
    }

    /// <summary>One example from the text's first MaxLength tokens (the rest counted as dropped).</summary>
    public EncodingResult Encode(string id, string text)
    {
        var ids = Tokens(text);
        int kept = Math.Min(ids.Length, _options.MaxLength);
        if (kept < 2) return EncodingResult.Skipped(id, "fewer than 2 tokens: nothing to predict", ids.Length - kept);
        return EncodingResult.Ok(InstructionEncoder.CausalTargets(id, ids[..kept], firstPredicted: 1), ids.Length - kept);
    }

    /// <summary>
    /// Packs a stream of texts into back-to-back windows of exactly MaxLength tokens (the last one may be shorter), so
    /// pre-training wastes no padding. Ids are "{prefix}{window index}".
    /// </summary>
    public IEnumerable<EncodedExample> Pack(IEnumerable<string> texts, string idPrefix = "lm-")
    {
        ArgumentNullException.ThrowIfNull(texts);
        var buffer = new List<int>(_options.MaxLength * 2);
        int window = 0;
        foreach (var text in texts)
        {
            buffer.AddRange(Tokens(text));
            while (buffer.Count >= _options.MaxLength)
            {
                yield return InstructionEncoder.CausalTargets($"{idPrefix}{window++}", buffer.GetRange(0, _options.MaxLength).ToArray(), 1);
                buffer.RemoveRange(0, _options.MaxLength);
            }
        }
        if (buffer.Count >= 2) yield return InstructionEncoder.CausalTargets($"{idPrefix}{window}", buffer.ToArray(), 1);
    }

    private int[] Tokens(string text) =>
        _options.AddEos && _tokenizer.Eos is int eos ? [.. _tokenizer.Encode(text), eos] : _tokenizer.Encode(text);
}
