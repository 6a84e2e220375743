using Winnow.Core.Data;
using Winnow.Torch.Tokenization;

namespace Winnow.Torch.Tasks;

/// <summary>
/// Encoder-side NER encoding: ids = [cls] + sub-tokens of every word + [sep]; the word's label id is the target at its
/// first sub-token and only there. cls/sep fall back to bos/eos (RoBERTa style) and are left out when neither exists.
/// Words past MaxLength are dropped (counted in <see cref="EncodingResult.Dropped"/>); a word the tokenizer turns into
/// nothing becomes unk, or is dropped when there is no unk.
/// </summary>
public sealed class NerEncoder
{
    private readonly WinnowTokenizer _tokenizer;
    private readonly NerEncodingOptions _options;
    private readonly int[] _prefix;
    private readonly int[] _suffix;

    public NerEncoder(WinnowTokenizer tokenizer, LabelSet labels, NerEncodingOptions? options = null)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Labels = labels ?? throw new ArgumentNullException(nameof(labels));
        _options = options ?? new NerEncodingOptions();
        _options.Validate();
        _prefix = (tokenizer.Cls ?? tokenizer.Bos) is int cls ? [cls] : [];
        _suffix = (tokenizer.Sep ?? tokenizer.Eos) is int sep ? [sep] : [];
    }

    public LabelSet Labels { get; }

    public EncodingResult Encode(NerExample example) => Encode(example, null);

    /// <summary>
    /// The index in <see cref="NerExample.Tokens"/> of the word behind each predicted position of <see cref="Encode(NerExample)"/>'s
    /// result, in order (words dropped by truncation or tokenization have none); empty when the example is not encodable.
    /// </summary>
    public IReadOnlyList<int> PredictedWords(NerExample example)
    {
        var words = new List<int>();
        return Encode(example, words).IsEncoded ? words : [];
    }

    private EncodingResult Encode(NerExample example, List<int>? keptWords)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (example.Tokens.Count != example.Tags.Count)
            return EncodingResult.Skipped(example.Id, $"{example.Tokens.Count} words but {example.Tags.Count} tags");
        foreach (var tag in example.Tags)
            if (!Labels.TryGetId(tag, out _)) return EncodingResult.Skipped(example.Id, $"tag '{tag}' is not in the label set");

        var pieces = _tokenizer.EncodeWords(example.Tokens);
        var ids = new List<int>(_prefix);
        var targets = new List<int>(_prefix.Select(_ => 0));
        var mask = new List<bool>(_prefix.Select(_ => false));
        int room = _options.MaxLength - _suffix.Length, dropped = 0;
        for (int w = 0; w < pieces.Length; w++)
        {
            int[] sub = pieces[w].Length > 0 ? pieces[w] : _tokenizer.Unk is int unk ? [unk] : [];
            if (sub.Length == 0 || ids.Count + sub.Length > room)
            {
                dropped++;
                continue;
            }
            keptWords?.Add(w);
            for (int k = 0; k < sub.Length; k++)
            {
                ids.Add(sub[k]);
                targets.Add(k == 0 ? Labels.IdOf(example.Tags[w]) : 0);
                mask.Add(k == 0);
            }
        }
        ids.AddRange(_suffix);
        targets.AddRange(_suffix.Select(_ => 0));
        mask.AddRange(_suffix.Select(_ => false));
        var encoded = new EncodedExample(example.Id, ids.ToArray(), targets.ToArray(), mask.ToArray());
        return encoded.PredictedCount == 0
            ? EncodingResult.Skipped(example.Id, "no word fits or survives tokenization", dropped)
            : EncodingResult.Ok(encoded, dropped);
    }

    public IEnumerable<EncodingResult> EncodeAll(IEnumerable<NerExample> examples) => examples.Select(Encode);
}
