using Winnow.Torch.Tokenization;

namespace Winnow.Torch.Tasks;

/// <summary>
/// Masked-LM pre-training encoding: ids = [cls] + text + [sep]; a share of the text positions is chosen, of those most
/// become the mask token, some a random token and the rest stay; Targets hold the original ids there, and only there is
/// the mask on. The choice is seeded by (Seed, example id, epoch), so it does not depend on the order examples come in.
/// </summary>
public sealed class MaskedLmEncoder
{
    private readonly WinnowTokenizer _tokenizer;
    private readonly MaskedLmEncodingOptions _options;
    private readonly int _maskId;
    private readonly int[] _prefix;
    private readonly int[] _suffix;

    public MaskedLmEncoder(WinnowTokenizer tokenizer, MaskedLmEncodingOptions? options = null)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _options = options ?? new MaskedLmEncodingOptions();
        _options.Validate();
        _maskId = tokenizer.Mask ?? throw new ArgumentException("Masked-LM encoding needs a tokenizer with a mask token.", nameof(tokenizer));
        if (tokenizer.VocabSize <= tokenizer.SpecialIds.Count)
            throw new ArgumentException("The tokenizer has no non-special tokens to draw random replacements from.", nameof(tokenizer));
        _prefix = (tokenizer.Cls ?? tokenizer.Bos) is int cls ? [cls] : [];
        _suffix = (tokenizer.Sep ?? tokenizer.Eos) is int sep ? [sep] : [];
    }

    /// <param name="epoch">Changes the masking pattern between passes over the same data.</param>
    public EncodingResult Encode(string id, string text, int epoch = 0)
    {
        var tokens = _tokenizer.Encode(text);
        int room = _options.MaxLength - _prefix.Length - _suffix.Length;
        int kept = Math.Min(tokens.Length, room);
        if (kept == 0) return EncodingResult.Skipped(id, "no text tokens to mask", tokens.Length);
        int[] ids = [.. _prefix, .. tokens[..kept], .. _suffix];
        var targets = new int[ids.Length];
        var mask = new bool[ids.Length];
        var rng = new Random(StableSeed(_options.Seed, id, epoch));
        foreach (int p in ChoosePositions(rng, kept))
        {
            int position = _prefix.Length + p;
            targets[position] = ids[position];
            mask[position] = true;
            ids[position] = Corrupt(rng, ids[position]);
        }
        return EncodingResult.Ok(new EncodedExample(id, ids, targets, mask), tokens.Length - kept);
    }

    // A partial Fisher–Yates shuffle: an exact count, so short sentences always get a prediction.
    private IEnumerable<int> ChoosePositions(Random rng, int n)
    {
        int count = Math.Clamp((int)Math.Round(_options.MaskProbability * n, MidpointRounding.AwayFromZero), 1, n);
        var order = Enumerable.Range(0, n).ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = rng.Next(i, n);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order.Take(count).Order();
    }

    private int Corrupt(Random rng, int original)
    {
        double u = rng.NextDouble();
        if (u < _options.MaskTokenShare) return _maskId;
        if (u < _options.MaskTokenShare + _options.RandomTokenShare) return RandomToken(rng);
        return original;
    }

    private int RandomToken(Random rng)
    {
        int id;
        do id = rng.Next(_tokenizer.VocabSize);
        while (_tokenizer.SpecialIds.Contains(id));
        return id;
    }

    // string.GetHashCode is randomised per process; FNV-1a is not.
    private static int StableSeed(int seed, string id, int epoch)
    {
        uint h = 2166136261;
        foreach (char c in id) h = (h ^ c) * 16777619;
        h = (h ^ (uint)seed) * 16777619;
        h = (h ^ (uint)epoch) * 16777619;
        return (int)h;
    }
}
