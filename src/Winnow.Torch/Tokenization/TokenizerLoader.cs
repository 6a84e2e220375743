using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Winnow.Torch.Tokenization;

/// <summary>
/// Builds a <see cref="WinnowTokenizer"/> from a Hugging Face checkpoint folder by the files it holds, in this order:
/// vocab.json + merges.txt (byte-level BPE), vocab.txt (WordPiece/BERT), tokenizer.model (SentencePiece),
/// *.tiktoken (tiktoken), tokenizer.json (BPE, WordPiece or WordLevel model).
/// </summary>
public static class TokenizerLoader
{
    private const string Supported =
        "vocab.json + merges.txt (byte-level BPE), vocab.txt (WordPiece/BERT), tokenizer.model (SentencePiece), " +
        "*.tiktoken (tiktoken), or tokenizer.json with a BPE, WordPiece or WordLevel model";

    public static WinnowTokenizer Load(string dir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        if (!Directory.Exists(dir))
            throw new TokenizerException($"Tokenizer folder '{dir}' does not exist (looked for {Supported}).");
        var files = HfTokenizerFiles.Read(dir);
        try
        {
            return LoadFrom(dir, files);
        }
        catch (Exception e) when (e is not TokenizerException)
        {
            throw new TokenizerException($"Could not build the tokenizer in '{dir}': {e.Message}", e);
        }
    }

    private static WinnowTokenizer LoadFrom(string dir, HfTokenizerFiles files)
    {
        string vocabJson = Path.Combine(dir, "vocab.json"), merges = Path.Combine(dir, "merges.txt");
        if (File.Exists(vocabJson) && File.Exists(merges))
            return ByteLevelBpe(files, File.ReadAllBytes(vocabJson), File.ReadAllBytes(merges));
        if (File.Exists(Path.Combine(dir, "vocab.txt")))
            return WordPiece(files, File.ReadAllBytes(Path.Combine(dir, "vocab.txt")), files.ConfigBool("do_lower_case") ?? true, null);
        if (File.Exists(Path.Combine(dir, "tokenizer.model")))
            return SentencePiece(files, File.ReadAllBytes(Path.Combine(dir, "tokenizer.model")));
        var tiktoken = Directory.GetFiles(dir, "*.tiktoken").Order(StringComparer.Ordinal).FirstOrDefault();
        if (tiktoken is not null)
            return Tiktoken(files, tiktoken);
        if (files.TokenizerJson is not null)
            return FromTokenizerJson(files, files.TokenizerJson, File.ReadAllBytes(Path.Combine(dir, "tokenizer.json")));
        throw new TokenizerException($"No tokenizer files in '{dir}': looked for {Supported}.");
    }

    // ---- byte-level BPE (GPT-2, RoBERTa, and what TokenizerTrainer writes) ----

    private static WinnowTokenizer ByteLevelBpe(HfTokenizerFiles files, byte[] vocabBytes, byte[] mergesBytes)
    {
        var vocab = ParseVocabJson(vocabBytes);
        var merges = ParseMerges(Encoding.UTF8.GetString(mergesBytes));
        var modelFiles = new Dictionary<string, byte[]> { ["vocab.json"] = vocabBytes, ["merges.txt"] = mergesBytes };
        return ByteLevelBpe(files, vocab, merges, modelFiles);
    }

    private static WinnowTokenizer ByteLevelBpe(
        HfTokenizerFiles files, Dictionary<string, int> vocab, List<string> merges, Dictionary<string, byte[]> modelFiles)
    {
        var added = files.AddedTokens();
        var full = Union(vocab, added);
        var roles = files.ResolveRoles(full);
        var specials = SpecialsOf(full, added, roles);
        var options = new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(ByteLevel.Gpt2Regex, specials.Count > 0 ? specials : null),
            SpecialTokens = specials.Count > 0 ? specials : null,
        };
        return new WinnowTokenizer(BpeTokenizer.Create(options), TokenizerKind.ByteLevelBpe, full, SizeOf(full),
            roles, modelFiles, files.Config);
    }

    internal static Dictionary<string, int> ParseVocabJson(byte[] bytes)
    {
        var node = JsonNode.Parse(bytes) as JsonObject ?? throw new TokenizerException("vocab.json is not a JSON object.");
        return ParseVocabObject(node);
    }

    private static Dictionary<string, int> ParseVocabObject(JsonObject node)
    {
        var vocab = new Dictionary<string, int>(node.Count, StringComparer.Ordinal);
        foreach (var (token, id) in node) vocab[token] = id!.GetValue<int>();
        return vocab;
    }

    internal static List<string> ParseMerges(string text) =>
        text.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal))
            .ToList();

    // ---- WordPiece / BERT ----

    private static WinnowTokenizer WordPiece(HfTokenizerFiles files, byte[] vocabTxt, bool lowerCase, bool? stripAccents)
    {
        var vocab = ParseVocabTxt(vocabTxt);
        var roles = files.ResolveRoles(vocab, SpecialTokens.Bert);
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,
            RemoveNonSpacingMarks = files.ConfigBool("strip_accents") ?? stripAccents ?? lowerCase,
            IndividuallyTokenizeCjk = files.ConfigBool("tokenize_chinese_chars") ?? true,
        };
        if (roles.Unk is not null) options.UnknownToken = roles.Unk;
        if (roles.Cls is not null) options.ClassificationToken = roles.Cls;
        if (roles.Sep is not null) options.SeparatorToken = roles.Sep;
        if (roles.Pad is not null) options.PaddingToken = roles.Pad;
        if (roles.Mask is not null) options.MaskingToken = roles.Mask;
        var inner = BertTokenizer.Create(new MemoryStream(vocabTxt), options);
        var config = files.Config ?? new JsonObject();
        config["do_lower_case"] = lowerCase;
        return new WinnowTokenizer(inner, TokenizerKind.WordPiece, vocab, SizeOf(vocab), roles,
            new Dictionary<string, byte[]> { ["vocab.txt"] = vocabTxt }, config);
    }

    private static Dictionary<string, int> ParseVocabTxt(byte[] bytes)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        int count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        for (int i = 0; i < count; i++) vocab.TryAdd(lines[i].TrimEnd('\r'), i);
        return vocab;
    }

    // vocab.txt is one token per line, the line number being the id; gaps get placeholder tokens.
    private static byte[] ToVocabTxt(IReadOnlyDictionary<string, int> vocab)
    {
        var byId = new string[SizeOf(vocab)];
        foreach (var (token, id) in vocab) byId[id] = token;
        for (int i = 0; i < byId.Length; i++) byId[i] ??= $"[unused{i}]";
        return Encoding.UTF8.GetBytes(string.Join('\n', byId) + "\n");
    }

    // ---- SentencePiece ----

    private static WinnowTokenizer SentencePiece(HfTokenizerFiles files, byte[] model)
    {
        var added = files.AddedTokens();
        var inner = SentencePieceTokenizer.Create(new MemoryStream(model), addBeginningOfSentence: false, addEndOfSentence: false,
            specialTokens: added.Count > 0 ? added : null);
        var full = Union(inner.Vocabulary, added);
        var defaults = new SpecialTokens(Bos: inner.BeginningOfSentenceToken, Eos: inner.EndOfSentenceToken, Unk: inner.UnknownToken);
        var roles = files.ResolveRoles(full, defaults);
        return new WinnowTokenizer(inner, TokenizerKind.SentencePiece, full, SizeOf(full), roles,
            new Dictionary<string, byte[]> { ["tokenizer.model"] = model }, files.Config);
    }

    // ---- tiktoken ----

    private static WinnowTokenizer Tiktoken(HfTokenizerFiles files, string path)
    {
        string name = Path.GetFileName(path);
        var added = files.AddedTokens();
        if (added.Count == 0 && KnownEndOfText(name) is int eot) added["<|endoftext|>"] = eot;
        var specials = added.Count > 0 ? added : null;
        var preTokenizer = new RegexPreTokenizer(new Regex(TiktokenPattern(name), RegexOptions.Compiled), specials);
        var inner = TiktokenTokenizer.Create(path, preTokenizer, normalizer: null, specialTokens: specials);
        var (ranks, maxRank) = ReadTiktokenRanks(path);
        var full = Union(ranks, added);
        int size = Math.Max(maxRank, added.Values.DefaultIfEmpty(-1).Max()) + 1;
        var roles = files.ResolveRoles(full);
        return new WinnowTokenizer(inner, TokenizerKind.Tiktoken, full, size, roles,
            new Dictionary<string, byte[]> { [name] = File.ReadAllBytes(path) }, files.Config);
    }

    // TiktokenTokenizer keeps its byte table internal: read the "base64 rank" lines for the size and the lookups of
    // tokens that are whole UTF-8 strings.
    private static (Dictionary<string, int> Ranks, int MaxRank) ReadTiktokenRanks(string path)
    {
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        int maxRank = -1;
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !int.TryParse(parts[1], out int rank)) continue;
            maxRank = Math.Max(maxRank, rank);
            try
            {
                ranks.TryAdd(strict.GetString(Convert.FromBase64String(parts[0])), rank);
            }
            catch (Exception e) when (e is DecoderFallbackException or FormatException)
            {
                // a partial UTF-8 sequence: encodable by bytes, not addressable by name
            }
        }
        return (ranks, maxRank);
    }

    // The .tiktoken format carries neither the split regex nor the special tokens: known encodings are recognised by name.
    private static string TiktokenPattern(string fileName) =>
        fileName.Contains("o200k", StringComparison.OrdinalIgnoreCase) ? ByteLevel.O200kPattern
        : fileName.Contains("cl100k", StringComparison.OrdinalIgnoreCase) ? ByteLevel.Cl100kPattern
        : ByteLevel.Gpt2Pattern;

    private static int? KnownEndOfText(string fileName) =>
        fileName.Contains("o200k", StringComparison.OrdinalIgnoreCase) ? 199999
        : fileName.Contains("cl100k", StringComparison.OrdinalIgnoreCase) ? 100257
        : fileName.Contains("r50k", StringComparison.OrdinalIgnoreCase) || fileName.Contains("p50k", StringComparison.OrdinalIgnoreCase) ? 50256
        : null;

    // ---- tokenizer.json ----

    private static WinnowTokenizer FromTokenizerJson(HfTokenizerFiles files, JsonObject json, byte[] raw)
    {
        var model = json["model"] as JsonObject
                    ?? throw new TokenizerException($"tokenizer.json in '{files.Dir}' has no \"model\" object.");
        string type = model["type"]?.GetValue<string>() ?? InferModelType(model);
        var modelFiles = new Dictionary<string, byte[]> { ["tokenizer.json"] = raw };
        return type switch
        {
            "BPE" => TokenizerJsonBpe(files, json, model, modelFiles),
            "WordPiece" => TokenizerJsonWordPiece(files, json, model, modelFiles),
            "WordLevel" => TokenizerJsonWordLevel(files, model, modelFiles),
            _ => throw new TokenizerException(
                $"tokenizer.json in '{files.Dir}' has model type '{type}', which Winnow cannot build with Microsoft.ML.Tokenizers. " +
                $"Supported: {Supported}."),
        };
    }

    // Older tokenizer.json files omit model.type; the fields give it away.
    private static string InferModelType(JsonObject model) =>
        model.ContainsKey("merges") ? "BPE"
        : model.ContainsKey("continuing_subword_prefix") || model.ContainsKey("max_input_chars_per_word") ? "WordPiece"
        : model["vocab"] is JsonArray ? "Unigram"
        : "WordLevel";

    private static WinnowTokenizer TokenizerJsonBpe(HfTokenizerFiles files, JsonObject json, JsonObject model, Dictionary<string, byte[]> modelFiles)
    {
        var vocab = ParseVocabObject(model["vocab"] as JsonObject ?? throw new TokenizerException("BPE model without a vocab object."));
        var merges = (model["merges"] as JsonArray ?? []).Select(MergeLine).ToList();
        if (Mentions(json["pre_tokenizer"], "ByteLevel") || Mentions(json["decoder"], "ByteLevel"))
            return ByteLevelBpe(files, vocab, merges, modelFiles);

        var added = files.AddedTokens();
        var full = Union(vocab, added);
        var roles = files.ResolveRoles(full);
        var specials = SpecialsOf(full, added, roles);
        var options = new BpeOptions(vocab)
        {
            Merges = merges,
            PreTokenizer = PreTokenizer.CreateWordOrNonWord(specials.Count > 0 ? specials : null),
            SpecialTokens = specials.Count > 0 ? specials : null,
            UnknownToken = OptionalString(model, "unk_token"),
            ContinuingSubwordPrefix = OptionalString(model, "continuing_subword_prefix"),
            EndOfWordSuffix = OptionalString(model, "end_of_word_suffix"),
            FuseUnknownTokens = model["fuse_unk"] is JsonValue f && f.TryGetValue(out bool fuse) && fuse,
        };
        return new WinnowTokenizer(BpeTokenizer.Create(options), TokenizerKind.Bpe, full, SizeOf(full), roles, modelFiles, files.Config);
    }

    // tokenizers >= 0.20 writes merges as ["a", "b"] pairs; older files as "a b" strings.
    private static string MergeLine(JsonNode? node) => node switch
    {
        JsonArray pair when pair.Count == 2 => $"{pair[0]!.GetValue<string>()} {pair[1]!.GetValue<string>()}",
        JsonValue v => v.GetValue<string>(),
        _ => throw new TokenizerException("tokenizer.json has a malformed merges entry."),
    };

    private static WinnowTokenizer TokenizerJsonWordPiece(HfTokenizerFiles files, JsonObject json, JsonObject model, Dictionary<string, byte[]> modelFiles)
    {
        var vocab = ParseVocabObject(model["vocab"] as JsonObject ?? throw new TokenizerException("WordPiece model without a vocab object."));
        var normalizer = json["normalizer"] as JsonObject;
        bool lower = files.ConfigBool("do_lower_case")
                     ?? (normalizer?["lowercase"] is JsonValue l && l.TryGetValue(out bool lc) ? lc : Mentions(normalizer, "Lowercase"));
        bool? strip = normalizer?["strip_accents"] is JsonValue s && s.TryGetValue(out bool sa) ? sa : null;
        var tokenizer = WordPiece(files, ToVocabTxt(vocab), lower, strip);
        return tokenizer.WithModelFiles(modelFiles);
    }

    // ML.Tokenizers has no word-level model. WordPiece over a vocabulary of whole words behaves the same: a word in the
    // vocabulary is one token, and any other word fails to split into "##" pieces (none exist) so it becomes unk.
    private static WinnowTokenizer TokenizerJsonWordLevel(HfTokenizerFiles files, JsonObject model, Dictionary<string, byte[]> modelFiles)
    {
        var vocab = ParseVocabObject(model["vocab"] as JsonObject ?? throw new TokenizerException("WordLevel model without a vocab object."));
        var added = files.AddedTokens();
        var full = Union(vocab, added);
        var roles = files.ResolveRoles(full);
        string unk = OptionalString(model, "unk_token") ?? roles.Unk
                     ?? throw new TokenizerException($"WordLevel tokenizer.json in '{files.Dir}' names no unk_token.");
        var specials = SpecialsOf(full, added, roles);
        var options = new WordPieceOptions
        {
            UnknownToken = unk,
            PreTokenizer = PreTokenizer.CreateWordOrNonWord(specials.Count > 0 ? specials : null),
            SpecialTokens = specials.Count > 0 ? specials : null,
        };
        var inner = WordPieceTokenizer.Create(new MemoryStream(ToVocabTxt(full)), options);
        return new WinnowTokenizer(inner, TokenizerKind.WordPiece, full, SizeOf(full), roles with { Unk = unk }, modelFiles, files.Config);
    }

    // ---- helpers ----

    private static bool Mentions(JsonNode? node, string type) =>
        node is not null && node.ToJsonString().Contains($"\"{type}\"", StringComparison.Ordinal);

    private static string? OptionalString(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static Dictionary<string, int> Union(IReadOnlyDictionary<string, int> vocab, IReadOnlyDictionary<string, int> added)
    {
        var full = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        foreach (var (token, id) in added) full[token] = id;
        return full;
    }

    // Special tokens must be matched whole before pre-tokenization splits them ("<|endoftext|>" would otherwise become 5 pieces).
    private static Dictionary<string, int> SpecialsOf(IReadOnlyDictionary<string, int> full, IReadOnlyDictionary<string, int> added, SpecialTokens roles)
    {
        var specials = new Dictionary<string, int>(added, StringComparer.Ordinal);
        foreach (var token in roles.Distinct())
            if (full.TryGetValue(token, out int id)) specials[token] = id;
        return specials;
    }

    private static int SizeOf(IReadOnlyDictionary<string, int> vocab) => vocab.Count == 0 ? 0 : vocab.Values.Max() + 1;
}
