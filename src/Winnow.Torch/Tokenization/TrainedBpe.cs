using System.Text;
using System.Text.Json.Nodes;

namespace Winnow.Torch.Tokenization;

/// <summary>The learned vocabulary and merges, ready to be written as a Hugging Face byte-level BPE folder.</summary>
public sealed record TrainedBpe(IReadOnlyList<string> Tokens, IReadOnlyList<(string Left, string Right)> Merges, SpecialTokens Specials)
{
    /// <summary>Writes vocab.json, merges.txt, special_tokens_map.json and tokenizer_config.json, and loads them back.</summary>
    public WinnowTokenizer Save(string dir)
    {
        Directory.CreateDirectory(dir);
        var vocab = new JsonObject();
        for (int id = 0; id < Tokens.Count; id++) vocab[Tokens[id]] = id;
        File.WriteAllText(Path.Combine(dir, "vocab.json"), vocab.ToJsonString(JsonFormat.Compact) + "\n");
        var merges = new StringBuilder("#version: 0.2\n");
        foreach (var (left, right) in Merges) merges.Append(left).Append(' ').Append(right).Append('\n');
        File.WriteAllText(Path.Combine(dir, "merges.txt"), merges.ToString());

        var map = new JsonObject();
        foreach (var (key, token) in Specials.ByConfigKey()) map[key] = token;
        WinnowTokenizer.WriteJson(Path.Combine(dir, "special_tokens_map.json"), map);
        var config = new JsonObject
        {
            ["tokenizer_class"] = Specials.Mask is null ? "GPT2Tokenizer" : "RobertaTokenizer",
            ["add_prefix_space"] = false,
            ["model_max_length"] = 1_000_000,
            ["trained_by"] = "Winnow TokenizerTrainer (byte-level BPE, GPT-2 pre-tokenization)",
        };
        foreach (var (key, token) in Specials.ByConfigKey()) config[key] = token;
        WinnowTokenizer.WriteJson(Path.Combine(dir, "tokenizer_config.json"), config);
        return TokenizerLoader.Load(dir);
    }
}
