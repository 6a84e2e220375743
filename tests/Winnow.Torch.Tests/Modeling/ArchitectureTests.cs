using Winnow.Torch.Modeling;

namespace Winnow.Torch.Tests.Modeling;

public class ArchitectureTests
{
    private static Dictionary<string, long[]> Shapes(IPretrainedModel model) =>
        model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

    [Fact]
    public void LlamaParameterNamesAndShapesMatchHuggingFace()
    {
        var config = TestModels.Llama(heads: 4, kvHeads: 2);
        using var model = TestModels.Create(config);
        var expected = new Dictionary<string, long[]>
        {
            ["model.embed_tokens.weight"] = [97, 32],
            ["model.norm.weight"] = [32],
            ["lm_head.weight"] = [97, 32],
        };
        for (int i = 0; i < 2; i++)
        {
            var p = $"model.layers.{i}.";
            expected[p + "self_attn.q_proj.weight"] = [32, 32];
            expected[p + "self_attn.k_proj.weight"] = [16, 32];
            expected[p + "self_attn.v_proj.weight"] = [16, 32];
            expected[p + "self_attn.o_proj.weight"] = [32, 32];
            expected[p + "mlp.gate_proj.weight"] = [48, 32];
            expected[p + "mlp.up_proj.weight"] = [48, 32];
            expected[p + "mlp.down_proj.weight"] = [32, 48];
            expected[p + "input_layernorm.weight"] = [32];
            expected[p + "post_attention_layernorm.weight"] = [32];
        }
        AssertSameShapes(expected, Shapes(model));
    }

    [Fact]
    public void TiedLlamaHasNoLmHead()
    {
        using var model = TestModels.Create(TestModels.Llama(tie: true));
        Assert.DoesNotContain("lm_head.weight", Shapes(model).Keys);
        Assert.Contains("model.embed_tokens.weight", Shapes(model).Keys);
    }

    [Fact]
    public void BertTokenClassifierNamesMatchHuggingFace()
    {
        using var model = TestModels.Create(TestModels.Bert());
        var expected = BertBody("bert");
        expected["classifier.weight"] = [5, 32];
        expected["classifier.bias"] = [5];
        AssertSameShapes(expected, Shapes(model));
    }

    [Fact]
    public void BertMaskedLmNamesMatchHuggingFace()
    {
        using var model = TestModels.Create(TestModels.Bert(ModelFamily.MaskedLm));
        var expected = BertBody("bert");
        expected["cls.predictions.transform.dense.weight"] = [32, 32];
        expected["cls.predictions.transform.dense.bias"] = [32];
        expected["cls.predictions.transform.LayerNorm.weight"] = [32];
        expected["cls.predictions.transform.LayerNorm.bias"] = [32];
        expected["cls.predictions.bias"] = [97];
        AssertSameShapes(expected, Shapes(model));
    }

    [Fact]
    public void RobertaCheckpointNamesUseRobertaPrefixAndLmHead()
    {
        using var dir = new TempDir();
        using var model = TestModels.Create(TestModels.Bert(ModelFamily.MaskedLm, "roberta"));
        ModelCheckpoint.Save(model, dir.Path);
        var keys = SafeTensors.ReadHeader(Path.Combine(dir.Path, ModelCheckpoint.WeightsFile)).Entries.Select(e => e.Name).ToHashSet();
        Assert.Contains("roberta.embeddings.word_embeddings.weight", keys);
        Assert.Contains("roberta.encoder.layer.1.attention.self.query.weight", keys);
        Assert.Contains("lm_head.dense.weight", keys);
        Assert.Contains("lm_head.layer_norm.bias", keys);
        Assert.Contains("lm_head.bias", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("bert.", StringComparison.Ordinal) || k.StartsWith("cls.", StringComparison.Ordinal));
    }

    [Fact]
    public void PresetsBuildTheAdvertisedSizes()
    {
        var llama = ModelPresets.Llama("tiny", 4096);
        Assert.Equal((128, 2, 4, 2, 344, 512), (llama.HiddenSize, llama.NumHiddenLayers, llama.NumAttentionHeads, llama.NumKeyValueHeads, llama.IntermediateSize, llama.MaxPositionEmbeddings));
        var bert = ModelPresets.Bert("tiny", 4096, ["O", "B-X"]);
        Assert.Equal((128, 2, 4, 512, ModelFamily.TokenClassifier), (bert.HiddenSize, bert.NumHiddenLayers, bert.NumAttentionHeads, bert.IntermediateSize, bert.Head));
        Assert.Equal(ModelFamily.MaskedLm, ModelPresets.Bert("small", 4096).Head);
        Assert.Throws<ArgumentException>(() => ModelPresets.Llama("huge", 10));
    }

    [Fact]
    public void SameSeedGivesSameWeightsAndOtherSeedDiffers()
    {
        var config = TestModels.Llama();
        using var a = TestModels.Create(config, seed: 3);
        using var b = TestModels.Create(config, seed: 3);
        using var c = TestModels.Create(config, seed: 4);
        var sa = TestModels.StateBytes(a);
        Assert.All(TestModels.StateBytes(b), kv => Assert.Equal(sa[kv.Key], kv.Value));
        Assert.NotEqual(sa["model.layers.0.self_attn.q_proj.weight"], TestModels.StateBytes(c)["model.layers.0.self_attn.q_proj.weight"]);
    }

    [Fact]
    public void ConfigsRoundTripThroughJsonAndRejectNonsense()
    {
        var llama = TestModels.Llama(tie: true) with { RopeTheta = 500000 };
        var parsed = ModelConfigs.Parse(llama.ToJson());
        Assert.Equal(llama with { Extra = null }, ((LlamaConfig)parsed) with { Extra = null });
        var bert = TestModels.Bert(modelType: "roberta");
        var parsedBert = (BertConfig)ModelConfigs.Parse(bert.ToJson());
        Assert.Equal(bert.Labels, parsedBert.Labels);
        Assert.Equal(("roberta", "RobertaForTokenClassification", 2), (parsedBert.ModelType, parsedBert.Architecture, parsedBert.PositionOffset));

        var unknown = llama.ToJson();
        unknown["model_type"] = "gpt2";
        unknown["architectures"] = new System.Text.Json.Nodes.JsonArray("GPT2LMHeadModel");
        Assert.Contains("Unknown architecture", Assert.Throws<ModelConfigException>(() => ModelConfigs.Parse(unknown)).Message);
        Assert.Throws<ModelConfigException>(() => (llama with { NumKeyValueHeads = 3 }).Validate());
        Assert.Throws<ModelConfigException>(() => (TestModels.Bert() with { NumAttentionHeads = 5 }).Validate());
    }

    private static Dictionary<string, long[]> BertBody(string prefix)
    {
        var e = new Dictionary<string, long[]>
        {
            [$"{prefix}.embeddings.word_embeddings.weight"] = [97, 32],
            [$"{prefix}.embeddings.position_embeddings.weight"] = [40, 32],
            [$"{prefix}.embeddings.token_type_embeddings.weight"] = [2, 32],
            [$"{prefix}.embeddings.LayerNorm.weight"] = [32],
            [$"{prefix}.embeddings.LayerNorm.bias"] = [32],
        };
        for (int i = 0; i < 2; i++)
        {
            var p = $"{prefix}.encoder.layer.{i}.";
            foreach (var n in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                e[p + n + ".weight"] = [32, 32];
                e[p + n + ".bias"] = [32];
            }
            e[p + "attention.output.LayerNorm.weight"] = [32];
            e[p + "attention.output.LayerNorm.bias"] = [32];
            e[p + "intermediate.dense.weight"] = [64, 32];
            e[p + "intermediate.dense.bias"] = [64];
            e[p + "output.dense.weight"] = [32, 64];
            e[p + "output.dense.bias"] = [32];
            e[p + "output.LayerNorm.weight"] = [32];
            e[p + "output.LayerNorm.bias"] = [32];
        }
        return e;
    }

    private static void AssertSameShapes(Dictionary<string, long[]> expected, Dictionary<string, long[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (k, shape) in expected) Assert.True(shape.SequenceEqual(actual[k]), $"{k}: expected [{string.Join(",", shape)}], got [{string.Join(",", actual[k])}]");
    }
}
