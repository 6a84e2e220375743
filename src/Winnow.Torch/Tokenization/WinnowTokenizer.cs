using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace Winnow.Torch.Tokenization;

/// <summary>
/// Winnow's one tokenizer type: a Microsoft.ML.Tokenizers tokenizer plus the special-token ids and the files it
/// came from, so encoders never need to know which family they talk to.
/// </summary>
public sealed class WinnowTokenizer
{
    private readonly IReadOnlyDictionary<string, int> _vocab;
    private readonly IReadOnlyDictionary<string, byte[]> _modelFiles;
    private readonly JsonObject _config;
    private readonly HashSet<int> _specialIds;

    internal WinnowTokenizer(
        Tokenizer inner, TokenizerKind kind, IReadOnlyDictionary<string, int> vocab, int vocabSize,
        SpecialTokens names, IReadOnlyDictionary<string, byte[]> modelFiles, JsonObject? config)
    {
        Inner = inner;
        Kind = kind;
        _vocab = vocab;
        VocabSize = vocabSize;
        _modelFiles = modelFiles;
        _config = config ?? new JsonObject();
        SpecialTokenNames = KeepKnown(names);
        Bos = IdOf(SpecialTokenNames.Bos);
        Eos = IdOf(SpecialTokenNames.Eos);
        Pad = IdOf(SpecialTokenNames.Pad);
        Unk = IdOf(SpecialTokenNames.Unk);
        Cls = IdOf(SpecialTokenNames.Cls);
        Sep = IdOf(SpecialTokenNames.Sep);
        Mask = IdOf(SpecialTokenNames.Mask);
        _specialIds = new[] { Bos, Eos, Pad, Unk, Cls, Sep, Mask }.OfType<int>().ToHashSet();
    }

    /// <summary>The wrapped Microsoft.ML.Tokenizers tokenizer.</summary>
    public Tokenizer Inner { get; }
    public TokenizerKind Kind { get; }

    /// <summary>One more than the largest token id (the size the embedding and output layers need).</summary>
    public int VocabSize { get; }

    public SpecialTokens SpecialTokenNames { get; }
    public int? Bos { get; }
    public int? Eos { get; }
    public int? Pad { get; }
    public int? Unk { get; }
    public int? Cls { get; }
    public int? Sep { get; }
    public int? Mask { get; }

    /// <summary>Ids of every special token this tokenizer defines (bos, eos, pad, unk, cls, sep, mask).</summary>
    public IReadOnlySet<int> SpecialIds => _specialIds;

    /// <summary>The id of a vocabulary entry, or null.</summary>
    public int? TokenToId(string token) => _vocab.TryGetValue(token, out int id) ? id : null;

    /// <summary>Token ids of <paramref name="text"/>, never with bos/eos/cls/sep added: encoders add those explicitly.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return [];
        IReadOnlyList<int> ids = Inner switch
        {
            BertTokenizer bert => bert.EncodeToIds(text, addSpecialTokens: false),
            SentencePieceTokenizer sp => sp.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false),
            _ => Inner.EncodeToIds(text),
        };
        return ids.ToArray();
    }

    /// <summary>Text of <paramref name="ids"/>; special tokens are dropped when <paramref name="skipSpecialTokens"/>.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var kept = skipSpecialTokens ? ids.Where(id => !_specialIds.Contains(id)) : ids;
        return Inner.Decode(kept.ToArray()) ?? string.Empty;
    }

    /// <summary>
    /// Sub-token ids per word, for word-level tasks (NER). Byte-level BPE marks a word start by its leading space, so
    /// every word but the first is encoded as " word" — the ids then match what the same sentence would get as text.
    /// A word may come back empty (e.g. only characters the tokenizer drops); callers decide what to do with it.
    /// </summary>
    public int[][] EncodeWords(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        bool spaceMarksWords = Kind is TokenizerKind.ByteLevelBpe or TokenizerKind.Tiktoken;
        var result = new int[words.Count][];
        for (int i = 0; i < words.Count; i++)
            result[i] = Encode(spaceMarksWords && i > 0 ? " " + words[i] : words[i]);
        return result;
    }

    /// <summary>Writes the model files this tokenizer was built from plus special_tokens_map.json and tokenizer_config.json.</summary>
    public void Save(string dir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        Directory.CreateDirectory(dir);
        foreach (var (name, bytes) in _modelFiles.OrderBy(f => f.Key, StringComparer.Ordinal))
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
        WriteJson(Path.Combine(dir, "special_tokens_map.json"), SpecialTokensMap());
        WriteJson(Path.Combine(dir, "tokenizer_config.json"), TokenizerConfig());
    }

    private JsonObject SpecialTokensMap()
    {
        var map = new JsonObject();
        foreach (var (key, token) in SpecialTokenNames.ByConfigKey()) map[key] = token;
        return map;
    }

    private JsonObject TokenizerConfig()
    {
        var config = (JsonObject)_config.DeepClone();
        foreach (var (key, token) in SpecialTokenNames.ByConfigKey()) config[key] = token;
        config["model_max_length"] ??= 1_000_000;
        return config;
    }

    /// <summary>The same tokenizer, saved from other source files (a tokenizer.json it was extracted from).</summary>
    internal WinnowTokenizer WithModelFiles(IReadOnlyDictionary<string, byte[]> modelFiles) =>
        new(Inner, Kind, _vocab, VocabSize, SpecialTokenNames, modelFiles, _config);

    internal static void WriteJson(string path, JsonNode node) =>
        File.WriteAllText(path, node.ToJsonString(JsonFormat.Indented) + "\n");

    private int? IdOf(string? token) => token is null ? null : TokenToId(token);

    // A role whose token is not in the vocabulary is dropped rather than pointing at a wrong id.
    private SpecialTokens KeepKnown(SpecialTokens names) => new(
        Known(names.Bos), Known(names.Eos), Known(names.Pad), Known(names.Unk),
        Known(names.Cls), Known(names.Sep), Known(names.Mask));

    private string? Known(string? token) => token is not null && _vocab.ContainsKey(token) ? token : null;
}
