using System.Text.Json;
using System.Text.Json.Nodes;

namespace Winnow.Torch.Tokenization;

/// <summary>
/// The JSON side files of a Hugging Face tokenizer folder: which token plays which role, added tokens, casing.
/// Precedence for roles: special_tokens_map.json over tokenizer_config.json over conventional names found in the vocabulary.
/// </summary>
internal sealed class HfTokenizerFiles
{
    private HfTokenizerFiles(string dir, JsonObject? config, JsonObject? specialMap, JsonObject? tokenizerJson)
    {
        Dir = dir;
        Config = config;
        SpecialMap = specialMap;
        TokenizerJson = tokenizerJson;
    }

    public string Dir { get; }
    public JsonObject? Config { get; }
    public JsonObject? SpecialMap { get; }
    public JsonObject? TokenizerJson { get; }

    public static HfTokenizerFiles Read(string dir) => new(
        dir,
        ReadObject(Path.Combine(dir, "tokenizer_config.json")),
        ReadObject(Path.Combine(dir, "special_tokens_map.json")),
        ReadObject(Path.Combine(dir, "tokenizer.json")));

    /// <summary>Roles named in the config files (null where not named).</summary>
    public SpecialTokens ConfiguredRoles() => RolesFrom(Config).OverriddenBy(RolesFrom(SpecialMap));

    /// <summary>Roles: conventional names present in the vocabulary, overridden by what the config files name.</summary>
    public SpecialTokens ResolveRoles(IReadOnlyDictionary<string, int> vocab, SpecialTokens? familyDefaults = null) =>
        Conventional(vocab).OverriddenBy(familyDefaults ?? new SpecialTokens()).OverriddenBy(ConfiguredRoles());

    /// <summary>Added tokens (content → id) from tokenizer.json's added_tokens and tokenizer_config.json's added_tokens_decoder.</summary>
    public Dictionary<string, int> AddedTokens()
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        if (Config?["added_tokens_decoder"] is JsonObject decoder)
            foreach (var (idText, token) in decoder)
                if (int.TryParse(idText, out int id) && TokenContent(token) is { } content) added[content] = id;
        if (TokenizerJson?["added_tokens"] is JsonArray list)
            foreach (var token in list.OfType<JsonObject>())
                if (TokenContent(token) is { } content && token["id"] is JsonValue idValue && idValue.TryGetValue(out int id))
                    added[content] = id;
        return added;
    }

    public bool? ConfigBool(string key) =>
        Config?[key] is JsonValue v && v.TryGetValue(out bool b) ? b : null;

    public static JsonObject? ReadObject(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new TokenizerException($"'{path}' is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new TokenizerException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }

    // HF writes a special token either as "<s>" or as {"content": "<s>", "lstrip": false, ...}.
    private static string? TokenContent(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonObject o => o["content"]?.GetValue<string>(),
        _ => null,
    };

    private static SpecialTokens RolesFrom(JsonObject? json) => json is null
        ? new SpecialTokens()
        : new SpecialTokens(
            TokenContent(json["bos_token"]), TokenContent(json["eos_token"]), TokenContent(json["pad_token"]),
            TokenContent(json["unk_token"]), TokenContent(json["cls_token"]), TokenContent(json["sep_token"]),
            TokenContent(json["mask_token"]));

    private static SpecialTokens Conventional(IReadOnlyDictionary<string, int> vocab)
    {
        string? First(params string[] names) => names.FirstOrDefault(vocab.ContainsKey);
        return new SpecialTokens(
            Bos: First("<s>", "<|endoftext|>", "<|begin_of_text|>"),
            Eos: First("</s>", "<|endoftext|>", "<|end_of_text|>"),
            Pad: First("<pad>", "[PAD]"),
            Unk: First("<unk>", "[UNK]"),
            Cls: First("[CLS]", "<s>"),
            Sep: First("[SEP]", "</s>"),
            Mask: First("[MASK]", "<mask>"));
    }
}
