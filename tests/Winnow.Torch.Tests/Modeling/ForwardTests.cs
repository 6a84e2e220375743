using TorchSharp;
using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Modeling;

public class ForwardTests
{
    public static TheoryData<string> AllFamilies => ["llama", "llama-tied", "bert-ner", "bert-mlm", "roberta-ner"];

    private static IPretrainedModel Build(string kind) => kind switch
    {
        "llama" => TestModels.Create(TestModels.Llama()),
        "llama-tied" => TestModels.Create(TestModels.Llama(tie: true)),
        "bert-ner" => TestModels.Create(TestModels.Bert()),
        "bert-mlm" => TestModels.Create(TestModels.Bert(ModelFamily.MaskedLm)),
        "roberta-ner" => TestModels.Create(TestModels.Bert(modelType: "roberta")),
        _ => throw new ArgumentException(kind),
    };

    private static Batch BatchFor(IPretrainedModel model) => model.Family switch
    {
        ModelFamily.CausalLm => TestModels.MakeBatch(TestModels.SampleRows()),
        ModelFamily.TokenClassifier => TestModels.MakeBatch(TestModels.SampleRows(), targetModulo: 5, shiftTargets: false),
        _ => TestModels.MakeBatch(TestModels.SampleRows(), shiftTargets: false),
    };

    [Theory]
    [MemberData(nameof(AllFamilies))]
    public void MaskedPositionsAreExactlyZeroAndTargetsAreLogProbabilities(string kind)
    {
        using var scope = NewDisposeScope();
        using var model = Build(kind);
        var batch = BatchFor(model);
        var lp = model.TargetLogProbs(batch);
        Assert.Equal(new[] { batch.Size, batch.Length }, lp.shape);
        Assert.Equal(ScalarType.Float32, lp.dtype);
        var values = TestModels.Values(lp);
        var mask = batch.TargetMask.data<bool>().ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            if (!mask[i]) Assert.Equal(0f, values[i]);
            else Assert.True(values[i] < 0 && float.IsFinite(values[i]), $"position {i}: {values[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(AllFamilies))]
    public void TargetLogProbsAgreeWithFullLogits(string kind)
    {
        using var scope = NewDisposeScope();
        using var model = Build(kind);
        var batch = BatchFor(model);
        var logits = ((nn.Module<Tensor, Tensor, Tensor>)model.Module).call(batch.InputIds, batch.AttentionMask);
        var full = logits.log_softmax(-1).gather(2, batch.Targets.clamp_min(0).unsqueeze(2)).squeeze(2) * batch.TargetMask;
        TestModels.AssertClose(TestModels.Values(full), TestModels.Values(model.TargetLogProbs(batch)), 1e-5f);
    }

    [Theory]
    [MemberData(nameof(AllFamilies))]
    public void EmptyTargetMaskGivesZerosAndIntegerMasksWork(string kind)
    {
        using var scope = NewDisposeScope();
        using var model = Build(kind);
        var batch = BatchFor(model);
        var none = model.TargetLogProbs(batch with { TargetMask = zeros_like(batch.TargetMask) });
        Assert.All(TestModels.Values(none), v => Assert.Equal(0f, v));
        var asInt = model.TargetLogProbs(batch with { TargetMask = batch.TargetMask.to_type(ScalarType.Int64) });
        Assert.Equal(TestModels.Values(model.TargetLogProbs(batch)), TestModels.Values(asInt));
    }

    [Fact]
    public void CausalLmIgnoresLaterTokens()
    {
        using var scope = NewDisposeScope();
        using var model = Build("llama");
        long[] row = [5, 17, 33, 2, 81, 40, 9, 12];
        var before = TestModels.Values(model.TargetLogProbs(TestModels.MakeBatch([row])));
        var changed = (long[])row.Clone();
        changed[6] = 70; // changes the target at position 5 and the inputs from position 6 on
        var after = TestModels.Values(model.TargetLogProbs(TestModels.MakeBatch([changed])));
        for (int t = 0; t < 5; t++) Assert.Equal(before[t], after[t]);
        Assert.NotEqual(before[5], after[5]);
        Assert.NotEqual(before[6], after[6]);
    }

    [Fact]
    public void PaddingDoesNotChangeRealPositions()
    {
        using var scope = NewDisposeScope();
        using var model = Build("llama");
        long[] row = [5, 17, 33, 2, 81];
        var alone = TestModels.Values(model.TargetLogProbs(TestModels.MakeBatch([row])));
        var padded = TestModels.Values(model.TargetLogProbs(TestModels.MakeBatch([row, [1, 2, 3, 4, 5, 6, 7, 8, 9]])));
        TestModels.AssertClose(alone, padded.Take(alone.Length).ToArray(), 1e-5f);

        // Left padding gives the same numbers too: positions count real tokens only.
        var left = new Batch(
            tensor(new long[] { 0, 0, 5, 17, 33, 2, 81 }).view(1, 7), tensor(new long[] { 0, 0, 1, 1, 1, 1, 1 }).view(1, 7),
            tensor(new long[] { 0, 0, 17, 33, 2, 81, 0 }).view(1, 7), tensor(new[] { false, false, true, true, true, true, false }).view(1, 7));
        TestModels.AssertClose(alone.Take(4).ToArray(), TestModels.Values(model.TargetLogProbs(left)).Skip(2).Take(4).ToArray(), 1e-5f);
    }

    [Fact]
    public void TokenClassifierPositionsAreIndependentOfOtherTargets()
    {
        using var scope = NewDisposeScope();
        using var model = Build("bert-ner");
        var a = TestModels.MakeBatch(TestModels.SampleRows(), targetModulo: 5, shiftTargets: false);
        var targets = a.Targets.clone();
        targets[0, 3] = (targets[0, 3] + 1) % 5;
        var b = a with { Targets = targets };
        var va = TestModels.Values(model.TargetLogProbs(a));
        var vb = TestModels.Values(model.TargetLogProbs(b));
        int t = (int)a.Length;
        for (int i = 0; i < va.Length; i++)
        {
            if (i == 3) Assert.NotEqual(va[i], vb[i]);
            else Assert.Equal(va[i], vb[i]);
        }
        Assert.Equal(8, t);
    }

    [Fact]
    public void GroupedQueryAttentionMatchesMultiHeadWithRepeatedKeyValueWeights()
    {
        using var scope = NewDisposeScope();
        using var gqa = (LlamaForCausalLM)TestModels.Create(TestModels.Llama(heads: 4, kvHeads: 1, layers: 1));
        using var mha = (LlamaForCausalLM)TestModels.Create(TestModels.Llama(heads: 4, kvHeads: 4, layers: 1));
        // Copy every weight, repeating the single kv head's rows four times: the functions must coincide.
        var source = gqa.state_dict();
        using (no_grad())
        {
            foreach (var (name, target) in mha.state_dict())
            {
                var w = source[name];
                if (name.Contains("k_proj") || name.Contains("v_proj")) w = w.repeat(4, 1);
                target.copy_(w);
            }
        }
        var batch = TestModels.MakeBatch(TestModels.SampleRows());
        TestModels.AssertClose(TestModels.Values(mha.TargetLogProbs(batch)), TestModels.Values(gqa.TargetLogProbs(batch)), 1e-5f);
    }

    [Fact]
    public void RotaryMatchesDirectComputation()
    {
        using var scope = NewDisposeScope();
        const int d = 8;
        const double theta = 10000;
        var x = arange(2 * 3 * d, dtype: ScalarType.Float32).view(1, 2, 3, d) / 10f; // [B=1,H=2,T=3,D=8]
        var positions = tensor(new long[] { 0, 1, 2 }).view(1, 3);
        var (cos, sin) = Rotary.CosSin(positions, d, theta, ScalarType.Float32);
        var actual = TestModels.Values(Rotary.Apply(x, cos, sin));
        var input = TestModels.Values(x);
        for (int h = 0; h < 2; h++)
            for (int t = 0; t < 3; t++)
                for (int i = 0; i < d / 2; i++)
                {
                    // Pair (i, i + d/2) rotates by angle t / theta^(2i/d).
                    double angle = t / Math.Pow(theta, 2.0 * i / d);
                    int baseIndex = (h * 3 + t) * d;
                    double a = input[baseIndex + i], b = input[baseIndex + i + d / 2];
                    Assert.Equal(a * Math.Cos(angle) - b * Math.Sin(angle), actual[baseIndex + i], 4);
                    Assert.Equal(b * Math.Cos(angle) + a * Math.Sin(angle), actual[baseIndex + i + d / 2], 4);
                }
    }

    [Theory]
    [MemberData(nameof(AllFamilies))]
    public void ForwardInsideAScopeLeavesNoLiveTensors(string kind)
    {
        using var model = Build(kind);
        using var outer = NewDisposeScope();
        var batch = BatchFor(model);
        model.TargetLogProbs(batch).Dispose(); // warm-up: lazily created state is not a leak
        var stats = DisposeScopeManager.Statistics;
        long live = stats.ThreadTotalLiveCount;
        long outside = stats.CreatedOutsideScopeCount;
        using (NewDisposeScope())
        {
            var lp = model.TargetLogProbs(batch);
            lp.sum().backward();
        }
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(outside, DisposeScopeManager.Statistics.CreatedOutsideScopeCount);

        // The instrument is sensitive: one tensor escaping a scope shows up.
        Tensor escaped;
        using (NewDisposeScope()) escaped = zeros(1).DetachFromDisposeScope();
        Assert.Equal(live + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        escaped.Dispose();
        foreach (var p in model.Module.parameters()) p.grad?.zero_();
    }

    [Fact]
    public void ForwardWorksUnderNoGradAndInTrainingMode()
    {
        using var scope = NewDisposeScope();
        using var model = Build("bert-ner");
        var batch = BatchFor(model);
        using (no_grad())
        {
            Assert.False(model.TargetLogProbs(batch).requires_grad);
        }
        model.Module.train();
        var lp = model.TargetLogProbs(batch);
        Assert.True(lp.requires_grad);
        lp.sum().backward();
        Assert.NotNull(model.Module.parameters().First().grad);
    }
}
