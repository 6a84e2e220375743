using System.Text.Json.Nodes;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tests.TestSupport;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Modeling;

/// <summary>
/// LoRA on the top blocks only (ToV's <c>lora_layers</c>): the forward pass cut between blocks, adapters placed by
/// layer, and the multi-state scorer running the unadapted bottom blocks once for every state.
/// </summary>
public class LayeredScoringTests
{
    private static readonly LoraOptions NoDropout = new() { Rank = 4, Alpha = 8, Dropout = 0, IncludeMlp = true };

    private static IEnumerable<IModelConfig> Configs() => [TestModels.Bert(), TestModels.Llama(layers: 3)];

    private static Batch BatchFor(IPretrainedModel model) => model.Family == ModelFamily.CausalLm
        ? TestModels.MakeBatch(TestModels.SampleRows())
        : TestModels.MakeBatch(TestModels.SampleRows(), targetModulo: 5, shiftTargets: false);

    private static void Perturb(IPretrainedModel model, long seed)
    {
        var g = new Generator((ulong)seed, CPU);
        using var noGrad = no_grad();
        foreach (var (_, layer) in Lora.Layers(model)) layer.B.normal_(0, 0.5, g);
        foreach (var (name, p) in model.Module.named_parameters())
            if (name.StartsWith("classifier.", StringComparison.Ordinal)) p.add_(randn(p.shape, generator: g) * 0.1);
    }

    [Fact]
    public void CuttingTheForwardBetweenAnyTwoBlocksGivesTheWholePass()
    {
        foreach (var config in Configs())
        {
            using var model = TestModels.Create(config);
            var layered = Assert.IsAssignableFrom<ILayeredTokenModel>(model);
            model.Module.eval();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var batch = BatchFor(model);
            var whole = TestModels.Values(model.TargetLogProbs(batch));
            for (int k = 0; k <= layered.LayerCount; k++)
            {
                var hidden = layered.HiddenBefore(batch, k);
                TestModels.AssertClose(whole, TestModels.Values(layered.TargetLogProbsFrom(hidden, batch, k)), 1e-6f);
            }
            // Cutting after the embeddings differs from cutting after block 0: the blocks do run.
            var h0 = layered.HiddenBefore(batch, 0);
            var h1 = layered.HiddenBefore(batch, 1);
            Assert.True(TestModels.Values(h0).Zip(TestModels.Values(h1)).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
            Assert.Throws<ArgumentOutOfRangeException>(() => layered.HiddenBefore(batch, layered.LayerCount + 1));
        }
    }

    [Fact]
    public void TopLayerLoraAdaptsOnlyThoseBlocksAndItsConfigCarriesThem()
    {
        using var dir = new TempDir();
        using var model = TestModels.Create(TestModels.Llama(layers: 3));
        var names = Lora.Apply(model, NoDropout with { LayersToTransform = LoraOptions.TopLayers(1, 3) });
        Assert.Equal(7, names.Count); // q, k, v, o and the three MLP projections of block 2 only
        Assert.All(names, n => Assert.StartsWith("model.layers.2.", n));
        Assert.Equal(2, Lora.UnadaptedBottomLayers(model));
        Perturb(model, 5);
        model.Module.eval();
        float[] Scores(IPretrainedModel m)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return TestModels.Values(m.TargetLogProbs(BatchFor(m)));
        }
        var scores = Scores(model);
        Lora.SaveAdapter(model, dir.Sub("a"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Sub("a"), Lora.AdapterConfigFile)))!;
        Assert.Equal([2], config["layers_to_transform"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal("layers", config["layers_pattern"]!.GetValue<string>());

        // A fresh model picks the layers up from the adapter's config.
        using var other = TestModels.Create(TestModels.Llama(layers: 3));
        var loaded = Lora.LoadAdapter(other, dir.Sub("a"));
        Assert.Equal([2], loaded.LayersToTransform!);
        Assert.All(Lora.Layers(other), l => Assert.Equal(2, Lora.LayerIndex(l.Name)));
        other.Module.eval();
        Assert.Equal(scores, Scores(other));

        // Every block adapted: nothing below the lowest adapter to share.
        using var full = TestModels.Create(TestModels.Bert());
        Lora.Apply(full, NoDropout);
        Assert.Equal(0, Lora.UnadaptedBottomLayers(full));
    }

    [Fact]
    public void LayerIndicesAreReadFromModuleNamesAndBadLayersAreRefused()
    {
        Assert.Equal(3, Lora.LayerIndex("bert.encoder.layer.3.attention.self.query"));
        Assert.Equal(11, Lora.LayerIndex("model.layers.11.self_attn.q_proj"));
        Assert.Null(Lora.LayerIndex("classifier"));
        Assert.Null(Lora.LayerIndex("model.player.1.x")); // "player" is not the layer segment

        using var model = TestModels.Create(TestModels.Bert());
        var e = Assert.Throws<ArgumentException>(() => Lora.Apply(model, NoDropout with { LayersToTransform = [7] }));
        Assert.Contains("in layers 7", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LoraOptions.TopLayers(3, 2));
        Assert.Throws<ArgumentException>(() => new LoraOptions { LayersToTransform = [] }.Validate());
    }

    /// <summary>
    /// The scorer with the bottom blocks shared gives, for every state, the log-probs of a whole pass under that
    /// state; and sharing too many blocks (an adapted block among them) would not: the check can fail.
    /// </summary>
    [Fact]
    public void SharingTheUnadaptedBottomBlocksGivesEveryStatesFullPassScores()
    {
        foreach (var config in Configs())
        {
            using var model = TestModels.Create(config);
            int layers = ((ILayeredTokenModel)model).LayerCount;
            Lora.Apply(model, NoDropout with { LayersToTransform = LoraOptions.TopLayers(1, layers) });
            Perturb(model, 1);
            using var first = Lora.Snapshot(model);
            Perturb(model, 2);
            using var second = Lora.Snapshot(model);
            var states = new Action[] { () => Lora.SetAdapterMerged(model, first), () => Lora.SetAdapterMerged(model, second) };
            int shared = Lora.UnadaptedBottomLayers(model);
            Assert.Equal(layers - 1, shared);

            using var scope = NewDisposeScope();
            var batch = BatchFor(model);
            var indexed = new[] { new IndexedBatch(batch, Enumerable.Range(0, (int)batch.Size).ToArray()) };
            float[] Run(int sharedLayers) => new MultiStateTokenScorer(model.Module, model, states, sharedLayers)
                .Score(indexed).SelectMany(b => b).OrderBy(r => r.Index).SelectMany(r => r.PerState.SelectMany(s => s)).ToArray();
            var unshared = Run(0);
            var sharedScores = Run(shared);
            TestModels.AssertClose(unshared, sharedScores, 1e-5f);

            // The two states do differ, so the equality above is about both of them.
            var byState = new MultiStateTokenScorer(model.Module, model, states, shared).Score(indexed).SelectMany(b => b).ToArray();
            Assert.Contains(byState, r => r.PerState[0].Zip(r.PerState[1]).Any(p => Math.Abs(p.First - p.Second) > 1e-3));

            // Sharing the adapted block as well would freeze it at whatever state ran first.
            var wrong = Run(layers);
            Assert.True(unshared.Zip(wrong).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        }
    }

    [Fact]
    public void SharingLayersNeedsAModelThatCanBeCut()
    {
        using var model = new TinyTokenModel();
        Assert.Throws<ArgumentException>(() => new MultiStateTokenScorer(model, model, [() => { }], sharedLayers: 1));
        using var bert = TestModels.Create(TestModels.Bert());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MultiStateTokenScorer(bert.Module, bert, [() => { }], sharedLayers: 3));
    }
}
