using System.Text.Json.Nodes;
using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Modeling;

public class LoraTests
{
    private static readonly LoraOptions NoDropout = new() { Rank = 4, Alpha = 8, Dropout = 0 };

    private static float[] Score(IPretrainedModel model)
    {
        using var scope = NewDisposeScope();
        var batch = model.Family == ModelFamily.CausalLm
            ? TestModels.MakeBatch(TestModels.SampleRows())
            : TestModels.MakeBatch(TestModels.SampleRows(), targetModulo: 5, shiftTargets: false);
        return TestModels.Values(model.TargetLogProbs(batch));
    }

    /// <summary>Gives every adapter random B so the adapters actually change the function.</summary>
    private static void Perturb(IPretrainedModel model, long seed)
    {
        var g = new Generator((ulong)seed, CPU);
        using var noGrad = no_grad();
        foreach (var (_, layer) in Lora.Layers(model)) layer.B.normal_(0, 0.5, g);
    }

    /// <summary>
    /// Scoring with merged weights (W + s·B·A cached per layer, issue 15) gives the two-path log-probs within float
    /// rounding for every state, and the cache never outlives a change: a forward with gradients or a plain adapter load drops it.
    /// </summary>
    [Fact]
    public void MergedScoringGivesTheUnmergedLogProbsAndAnyChangeDropsTheCache()
    {
        foreach (var config in new IModelConfig[] { TestModels.Bert(), TestModels.Llama() })
        {
            using var model = TestModels.Create(config);
            Lora.Apply(model, NoDropout with { IncludeMlp = true });
            Perturb(model, 3);
            using var first = Lora.Snapshot(model);
            Perturb(model, 4);
            using var second = Lora.Snapshot(model);
            model.Module.eval();
            float[] Scoring()
            {
                using var noGrad = no_grad();
                return Score(model);
            }
            bool AnyMerged() => Lora.Layers(model).Any(l => l.Layer.HasMergedWeight);

            Lora.SetAdapter(model, first);
            var plainFirst = Scoring();
            Lora.SetAdapter(model, second);
            var plainSecond = Scoring();
            Assert.True(plainFirst.Zip(plainSecond).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "the two states must differ");

            Lora.SetAdapterMerged(model, first);
            Assert.All(Lora.Layers(model), l => Assert.True(l.Layer.HasMergedWeight));
            TestModels.AssertClose(plainFirst, Scoring(), 1e-4f);
            Lora.SetAdapterMerged(model, second);
            TestModels.AssertClose(plainSecond, Scoring(), 1e-4f);

            // Disabled adapters: the base function, merged cache or not.
            Lora.SetEnabled(model, false);
            var baseScores = Scoring();
            Lora.DropMergedWeights(model);
            Assert.Equal(baseScores, Scoring());
            Lora.SetEnabled(model, true);

            // A plain load after a merged one drops the cache (the merged weight would be the old state's).
            Lora.SetAdapterMerged(model, first);
            Lora.SetAdapter(model, second);
            Assert.False(AnyMerged());
            Assert.Equal(plainSecond, Scoring());

            // A forward that needs gradients (training) drops it too, so an optimizer step can never leave it stale.
            Lora.SetAdapterMerged(model, first);
            model.Module.train();
            Score(model);
            Assert.False(AnyMerged());
            model.Module.eval();
            Assert.Equal(plainFirst, Scoring());
        }
    }

    [Fact]
    public void DefaultTargetsAreTheAttentionProjections()
    {
        using var llama = TestModels.Create(TestModels.Llama());
        var names = Lora.Apply(llama, new LoraOptions());
        Assert.Equal(8, names.Count);
        Assert.All(names, n => Assert.Matches(@"^model\.layers\.\d\.self_attn\.[qkvo]_proj$", n));
        var keys = llama.Module.state_dict().Keys.ToHashSet();
        Assert.Contains("model.layers.0.self_attn.q_proj.weight", keys); // base key unchanged
        Assert.Contains("model.layers.0.self_attn.q_proj.lora_A.weight", keys);
        Assert.Contains("model.layers.1.self_attn.o_proj.lora_B.weight", keys);
        var a = llama.Module.state_dict()["model.layers.0.self_attn.k_proj.lora_A.weight"];
        Assert.Equal(new long[] { 8, 32 }, a.shape);

        using var bert = TestModels.Create(TestModels.Bert());
        var bertNames = Lora.Apply(bert, new LoraOptions { Rank = 1, IncludeMlp = true });
        Assert.Equal(12, bertNames.Count);
        Assert.Contains("bert.encoder.layer.0.attention.output.dense", bertNames);
        Assert.Contains("bert.encoder.layer.1.intermediate.dense", bertNames);
        Assert.Contains("bert.encoder.layer.1.output.dense", bertNames);
    }

    [Fact]
    public void FreshAdapterIsANoOpAndOnlyAdaptersAndClassifierTrain()
    {
        using var model = TestModels.Create(TestModels.Bert());
        var before = Score(model);
        Lora.Apply(model, NoDropout);
        Assert.Equal(before, Score(model));
        var trainable = model.Module.named_parameters().Where(np => np.parameter.requires_grad).Select(np => np.name).ToList();
        Assert.Contains("classifier.weight", trainable);
        Assert.Contains("classifier.bias", trainable);
        Assert.All(trainable, n => Assert.True(n.Contains(".lora_") || n.StartsWith("classifier.", StringComparison.Ordinal), n));
        Assert.Equal(trainable.Count, model.TrainableParameters().Count);
        Assert.Equal(2 + 2 * 4 * 2, trainable.Count);

        using var llama = TestModels.Create(TestModels.Llama());
        Lora.Apply(llama, NoDropout);
        Assert.All(llama.Module.named_parameters().Where(np => np.parameter.requires_grad), np => Assert.Contains(".lora_", np.name));
    }

    [Fact]
    public void OptimizerStepLeavesBaseWeightsBitIdentical()
    {
        using var model = TestModels.Create(TestModels.Llama());
        var options = new LoraOptions { Rank = 4, Alpha = 8, Dropout = 0.2 };
        Lora.Apply(model, options);
        model.Module.train();
        var baseBefore = TestModels.StateBytes(model).Where(kv => !kv.Key.Contains(".lora_")).ToDictionary();
        var adapterBefore = TestModels.StateBytes(model).Where(kv => kv.Key.Contains(".lora_B")).ToDictionary();
        var optimizer = optim.Adam(model.TrainableParameters(), lr: 0.01);
        for (int step = 0; step < 2; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var lp = model.TargetLogProbs(TestModels.MakeBatch(TestModels.SampleRows()));
            (-lp.sum()).backward();
            optimizer.step();
        }
        var after = TestModels.StateBytes(model);
        Assert.All(baseBefore, kv => Assert.Equal(kv.Value, after[kv.Key]));
        Assert.Contains(adapterBefore, kv => !kv.Value.SequenceEqual(after[kv.Key]));
    }

    [Fact]
    public void MergedModelEqualsAdaptedModel()
    {
        using var model = TestModels.Create(TestModels.Llama());
        Lora.Apply(model, NoDropout with { IncludeMlp = true });
        Perturb(model, 7);
        var adapted = Score(model);
        Lora.Merge(model);
        Assert.False(Lora.IsApplied(model));
        Assert.DoesNotContain(model.Module.state_dict().Keys, k => k.Contains(".lora_"));
        TestModels.AssertClose(adapted, Score(model), 1e-4f);

        using var dir = new TempDir();
        ModelCheckpoint.Save(model, dir.Path);
        using var reloaded = ModelCheckpoint.Load(dir.Path);
        reloaded.Module.eval();
        Assert.Equal(Score(model), Score(reloaded));
    }

    [Fact]
    public void DisablingAdaptersRestoresTheBaseFunction()
    {
        using var model = TestModels.Create(TestModels.Bert());
        var baseline = Score(model);
        Lora.Apply(model, NoDropout);
        Perturb(model, 3);
        var adapted = Score(model);
        Assert.NotEqual(baseline, adapted);
        Lora.SetEnabled(model, false);
        Assert.Equal(baseline, Score(model));
        Lora.SetEnabled(model, true);
        Assert.Equal(adapted, Score(model));
    }

    [Fact]
    public void AdapterSaveLoadRoundTripAndSwap()
    {
        using var dir = new TempDir();
        using var model = TestModels.Create(TestModels.Bert(modelType: "roberta"));
        var options = NoDropout with { Rank = 2 };
        Lora.Apply(model, options);
        Perturb(model, 11);
        using (no_grad()) model.Module.named_parameters().First(np => np.name == "classifier.bias").parameter.fill_(0.3f);
        var first = Score(model);
        Lora.SaveAdapter(model, dir.Sub("a"));

        var header = SafeTensors.ReadHeader(Path.Combine(dir.Sub("a"), Lora.AdapterWeightsFile));
        var keys = header.Entries.Select(e => e.Name).ToList();
        Assert.Contains("base_model.model.roberta.encoder.layer.0.attention.self.query.lora_A.weight", keys);
        Assert.Contains("base_model.model.classifier.weight", keys);
        Assert.DoesNotContain(keys, k => k.EndsWith("query.weight", StringComparison.Ordinal) && !k.Contains("lora"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Sub("a"), Lora.AdapterConfigFile)))!;
        Assert.Equal("LORA", config["peft_type"]!.GetValue<string>());
        Assert.Equal(2, config["r"]!.GetValue<int>());

        using var snapshot = Lora.Snapshot(model);
        Perturb(model, 12);
        var second = Score(model);
        Assert.NotEqual(first, second);
        Lora.SetAdapter(model, snapshot);
        Assert.Equal(first, Score(model));

        // A fresh model with the same base picks the adapter up from disk, applying LoRA itself.
        using var other = TestModels.Create(TestModels.Bert(modelType: "roberta"));
        var loadedOptions = Lora.LoadAdapter(other, dir.Sub("a"));
        Assert.Equal(2, loadedOptions.Rank);
        Assert.Equal(first, Score(other));
    }

    [Fact]
    public void SwappingAdaptersDoesNotCopyOrTouchTheBase()
    {
        using var model = TestModels.Create(TestModels.Llama());
        Lora.Apply(model, NoDropout);
        var q = Lora.Layers(model).First().Layer;
        var baseHandle = q.Weight.Handle;
        var baseBytes = TestModels.StateBytes(model).Where(kv => !kv.Key.Contains(".lora_")).ToDictionary();
        using var zero = Lora.Snapshot(model);
        Perturb(model, 5);
        using var tuned = Lora.Snapshot(model);
        for (int i = 0; i < 3; i++)
        {
            Lora.SetAdapter(model, zero);
            Lora.SetAdapter(model, tuned);
        }
        Assert.Equal(baseHandle, Lora.Layers(model).First().Layer.Weight.Handle);
        var after = TestModels.StateBytes(model);
        Assert.All(baseBytes, kv => Assert.Equal(kv.Value, after[kv.Key]));
    }

    [Fact]
    public void LoadingAnAdapterOfAnotherRankFailsClearly()
    {
        using var dir = new TempDir();
        using var model = TestModels.Create(TestModels.Llama());
        Lora.Apply(model, NoDropout with { Rank = 2 });
        Lora.SaveAdapter(model, dir.Path, NoDropout with { Rank = 2 });
        using var other = TestModels.Create(TestModels.Llama());
        Lora.Apply(other, NoDropout with { Rank = 3 });
        var e = Assert.Throws<CheckpointException>(() => Lora.LoadAdapter(other, dir.Path));
        Assert.Contains("rank", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Lora.Apply(TestModels.Create(TestModels.Llama()), new LoraOptions { Rank = 0 }));
    }

    [Fact]
    public void NamedTensorSetsRoundTrip()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var path = dir.Sub("optimizer.safetensors");
        var big = randn(4, 5);
        var set = new Dictionary<string, Tensor> { ["step"] = tensor(new long[] { 42 }), ["exp_avg.0"] = randn(3, 4), ["slice"] = big.narrow(0, 2, 2), ["strided"] = big.t() };
        ModelCheckpoint.SaveTensors(path, set, new Dictionary<string, string> { ["kind"] = "adam" });
        var back = ModelCheckpoint.LoadTensors(path);
        Assert.Equal(42L, back["step"].item<long>());
        Assert.Equal(TestModels.Values(set["exp_avg.0"]), TestModels.Values(back["exp_avg.0"]));
        Assert.Equal(TestModels.Values(set["slice"]), TestModels.Values(back["slice"]));
        Assert.Equal(TestModels.Values(set["strided"]), TestModels.Values(back["strided"]));
        Assert.Equal(new long[] { 5, 4 }, back["strided"].shape);
        Assert.Equal("adam", SafeTensors.ReadHeader(path).Metadata["kind"]);
        foreach (var t in back.Values) t.Dispose();
    }
}
