using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Winnow.Experiments;
using Winnow.Methods;
using Winnow.Torch.Methods.Less;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Methods.Tsds;
using Winnow.Torch.Modeling;

namespace Winnow.Torch.Tests.Modeling;

/// <summary>
/// Config files are validated like data files: a missing size names the file and the field, a model too large for the
/// machine is refused with the figure before anything is allocated, and whatever text a config holds, its reader either
/// returns a config or throws its one documented exception (the fuzz tests, in the style of the data and safetensors
/// readers' ones).
/// </summary>
public sealed class ConfigReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("llama", "hidden_size")]
    [InlineData("llama", "num_hidden_layers")]
    [InlineData("llama", "vocab_size")]
    [InlineData("llama", "intermediate_size")]
    [InlineData("llama", "num_attention_heads")]
    [InlineData("bert", "hidden_size")]
    [InlineData("bert", "num_hidden_layers")]
    [InlineData("bert", "max_position_embeddings")]
    public void AMissingSizeFieldNamesTheFileAndTheField(string family, string field)
    {
        var json = family == "llama" ? TestModels.Llama().ToJson() : TestModels.Bert().ToJson();
        json.Remove(field);
        var path = _dir.Sub($"{family}-{field}.json");
        File.WriteAllText(path, json.ToJsonString());

        var e = Assert.Throws<CheckpointException>(() => ModelConfigs.Read(path));
        Assert.Equal(path, e.File);
        Assert.Contains($"'{field}'", e.Message);
        Assert.Single(e.Message.Split('\n'));
    }

    [Fact]
    public void AConfigWithoutAnySizeIsNotFilledWithLlama7BDefaults()
    {
        var path = _dir.Sub("config.json");
        File.WriteAllText(path, """{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}""");
        Assert.Contains("missing required field", Assert.Throws<CheckpointException>(() => ModelConfigs.Read(path)).Message);
    }

    [Fact]
    public void ParametersAreCountedFromTheConfigExactly()
    {
        foreach (IModelConfig config in new IModelConfig[] { TestModels.Llama(), TestModels.Llama(tie: true), TestModels.Bert(), TestModels.Bert(ModelFamily.MaskedLm), TestModels.Bert(modelType: "roberta") })
        {
            using var model = TestModels.Create(config);
            long built = model.Module.named_parameters().DistinctBy(p => p.parameter.Handle).Sum(p => p.parameter.numel());
            Assert.Equal(built, ModelConfigs.ParameterCount(config));
        }
        // Llama-7B's shapes: the model the old defaults silently built.
        var llama7b = new LlamaConfig { VocabSize = 32000, HiddenSize = 4096, IntermediateSize = 11008, NumHiddenLayers = 32, NumAttentionHeads = 32, NumKeyValueHeads = 32 };
        Assert.Equal(6_738_415_616, ModelConfigs.ParameterCount(llama7b));
    }

    [Fact]
    public void AModelThatWouldNotFitIsRefusedWithTheFigureBeforeAllocating()
    {
        var llama7b = new LlamaConfig { VocabSize = 32000, HiddenSize = 4096, IntermediateSize = 11008, NumHiddenLayers = 32, NumAttentionHeads = 32, NumKeyValueHeads = 32 };
        var e = Assert.Throws<ModelConfigException>(() => ModelMemory.EnsureFits(llama7b, availableBytes: 16L << 30));
        Assert.Contains("6.74B parameters", e.Message);
        Assert.Contains("25.1 GiB", e.Message);
        Assert.Contains("16.0 GiB", e.Message);
        ModelMemory.EnsureFits(TestModels.Llama(), availableBytes: 16L << 30);

        // Through the checkpoint loader: the config file is named, and nothing is built (an absurd size would take minutes
        // and all memory otherwise).
        var folder = _dir.Sub("huge");
        Directory.CreateDirectory(folder);
        var huge = TestModels.Llama() with { HiddenSize = 1 << 16, IntermediateSize = 1 << 18, NumHiddenLayers = 4096, NumAttentionHeads = 512, NumKeyValueHeads = 512 };
        ModelConfigs.Write(huge, Path.Combine(folder, ModelCheckpoint.ConfigFile));
        var refused = Assert.Throws<CheckpointException>(() => ModelCheckpoint.Load(folder).Dispose());
        Assert.Contains(ModelCheckpoint.ConfigFile, refused.Message);
        Assert.Contains("GiB", refused.Message);
    }

    private static readonly string[] ConfigPieces =
    [
        "{", "}", "[", "]", ",", ":", "\"model_type\"", "\"llama\"", "\"bert\"", "\"roberta\"", "\"architectures\"", "\"LlamaForCausalLM\"",
        "\"BertForTokenClassification\"", "\"hidden_size\"", "\"num_hidden_layers\"", "\"num_attention_heads\"", "\"num_key_value_heads\"",
        "\"intermediate_size\"", "\"vocab_size\"", "\"max_position_embeddings\"", "\"id2label\"", "\"0\"", "\"1\"", "\"O\"", "\"head_dim\"",
        "\"torch_dtype\"", "\"float16\"", "\"hidden_act\"", "\"silu\"", "\"rope_scaling\"", "\"tie_word_embeddings\"", "true", "null",
        "0", "1", "2", "-3", "4", "8", "32", "1.5", "1e9", "99999999999", "\"x\"", " ",
    ];

    [Fact]
    public void RandomModelConfigTextOnlyThrowsCheckpointException()
    {
        var counter = 0;
        var text = Gen.ListOf(Gen.Elements(ConfigPieces)).Select(p => string.Concat(p)).ToArbitrary();
        Prop.ForAll(text, content =>
        {
            var path = _dir.Sub($"c{counter++}.json");
            File.WriteAllText(path, content);
            ReadsOrRejects(path);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
    }

    [Fact]
    public void MutatedRealConfigsOnlyThrowCheckpointException()
    {
        // Valid configs with one field dropped or set to a hostile value: each must read or be refused by name.
        var values = new JsonNode?[] { null, 0, -1, 3, 1 << 30, 1.5, "x", true, new JsonArray(), new JsonObject(), 1e300 };
        int counter = 0;
        foreach (var original in new[] { TestModels.Llama().ToJson(), TestModels.Bert().ToJson(), TestModels.Bert(ModelFamily.MaskedLm, "roberta").ToJson() })
        {
            foreach (var key in original.Select(kv => kv.Key).ToList())
            {
                var dropped = original.DeepClone().AsObject();
                dropped.Remove(key);
                Write(dropped);
                foreach (var value in values)
                {
                    var changed = original.DeepClone().AsObject();
                    changed[key] = value?.DeepClone();
                    Write(changed);
                }
            }
        }

        void Write(JsonObject json)
        {
            var path = _dir.Sub($"m{counter++}.json");
            File.WriteAllText(path, json.ToJsonString());
            ReadsOrRejects(path);
        }
    }

    private static void ReadsOrRejects(string path)
    {
        try
        {
            var config = ModelConfigs.Read(path);
            Assert.True(config.VocabSize > 0);
            ModelConfigs.ParameterCount(config);
        }
        catch (CheckpointException e)
        {
            Assert.Equal(path, e.File);
        }
        catch (OverflowException)
        {
            // ParameterCount of sizes multiplying past 2^63: ModelMemory turns it into a refusal.
        }
    }

    private static readonly string[] YamlPieces =
    [
        "name: t\n", "task: ner\n", "task: x\n", "base_model: { model: m }\n", "base_model: { preset: tiny }\n", "target: { paths: [t] }\n",
        "test: { paths: [x] }\n", "pool:\n", "  - { name: a, paths: [p] }\n", "  - { name: a, paths: [] }\n", "methods: [random, tov]\n",
        "methods: [nope]\n", "budgets: [10, 20]\n", "budgets: [-1]\n", "budgets: x\n", "seeds: [0]\n", "finetune: { lr: 0 }\n",
        "finetune: { epochs: x }\n", "ablation:\n", "  v: { bins: 1 }\n", "  w: { settings: { transform: abs } }\n", "fields: prompt=a,completion=b\n",
        "fields: { prompt: a }\n", "validation: { paths: [v] }\n", "source_filter: [a]\n", "method_settings: { tov: { epsilon: \"0.2\" } }\n",
        "{", "}", "[", "]", ":", "- ", "  ", "\t", "&a ", "*a ", "!!int ", "'", "\"", "#", "\n", "---\n", "...\n", "~", "unknown_key: 1\n",
    ];

    [Fact]
    public void An_unknown_key_that_spans_lines_is_named_on_one_line()
    {
        // Found by the property below (FsCheck, 2026-12-01): a double-quoted key folded over two lines.
        var path = _dir.Sub("multiline-key.yaml");
        File.WriteAllText(path, "name: t\n? \"methods\n\n  x\"\n: 1\n");
        var error = Assert.Throws<ArgumentException>(() => ExperimentConfig.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Single(error.Message.Split('\n'));
        Assert.True(error.Message.Contains("'methods\\nx'", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void RandomStudyYamlOnlyThrowsArgumentException()
    {
        var counter = 0;
        var text = Gen.ListOf(Gen.Elements(YamlPieces)).Select(p => string.Concat(p)).ToArbitrary();
        Prop.ForAll(text, content =>
        {
            var path = _dir.Sub($"s{counter++}.yaml");
            File.WriteAllText(path, content);
            try
            {
                var config = ExperimentConfig.Load(path);
                Assert.False(string.IsNullOrWhiteSpace(config.Name));
            }
            catch (ArgumentException e)
            {
                Assert.Contains(path, e.Message);
                Assert.Single(e.Message.Split('\n'));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
    }

    private static readonly string[] TovKeys =
    [
        "base_size", "epochs", "epsilon", "lr", "batch_size", "lora_rank", "lora_alpha", "lora_dropout", "variant", "validation_passes",
        "transform", "max_length", "aggregate", "skip_epochs", "batches", "auto", "target_holdout",
    ];

    private static readonly string[] SettingValues =
    [
        "", " ", "0", "1", "-1", "2", "0.5", "1e9", "-1e-9", "NaN", "Infinity", "-Infinity", "99999999999", "x", "true", "false", "abs",
        "parallel", "bucketed", "label_balanced", "none", "length", "model", "hashed", "1,2",
    ];

    public static TheoryData<string> Methods => ["tov", "less", "tsds"];

    [Theory]
    [MemberData(nameof(Methods))]
    public void RandomMethodSettingsOnlyThrowOneLineArgumentExceptions(string method)
    {
        // Keys are drawn from the method's own (so values reach its validation), plus one it does not know.
        string[] keys = method switch
        {
            "tov" => TovKeys,
            "less" => [.. LessOptions.SettingKeys],
            _ => TsdsOptions.SettingKeys,
        };
        var pair = Gen.Elements([.. keys, "nope"]).SelectMany(k => Gen.Elements(SettingValues).Select(v => (k, v)));
        var settings = Gen.ListOf(pair).Select(pairs => pairs.GroupBy(p => p.k).ToDictionary(g => g.Key, g => g.First().v)).ToArbitrary();
        int accepted = 0;
        Prop.ForAll(settings, dict =>
        {
            try
            {
                switch (method)
                {
                    case "tov":
                        var tov = TovMethod.ParseFitOptions(new MethodFitRequest(["t"], ["p"], "run") { Settings = dict, Kind = Core.Data.TaskKind.Ner });
                        Assert.True(tov.Epsilon > 0 && double.IsFinite(tov.Epsilon) && tov.LearningRate > 0 && double.IsFinite(tov.LearningRate));
                        break;
                    case "less":
                        var less = LessOptions.FromSettings(dict).Validate();
                        Assert.True(less.LearningRate > 0 && double.IsFinite(less.LearningRate));
                        break;
                    default:
                        var tsds = TsdsOptions.FromSettings(dict).Validate();
                        Assert.True(tsds.Alpha is > 0 and < 1 && double.IsFinite(tsds.CostScale));
                        break;
                }
                accepted++;
            }
            catch (ArgumentException e)
            {
                Assert.Single(e.Message.Split('\n'));
                Assert.DoesNotContain("(Parameter '", e.Message);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
        Assert.True(accepted > 0, "no random setting was ever accepted: the generator never reaches valid settings");
    }
}
