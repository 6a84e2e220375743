using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Modeling;

/// <summary>
/// Checks both families against a loop-by-loop double-precision transcription of Hugging Face's
/// modeling_llama.py / modeling_bert.py math, reading the very same weights by their HF names.
/// </summary>
public class ReferenceForwardTests
{
    private sealed class Weights(IPretrainedModel model)
    {
        private readonly Dictionary<string, Tensor> _state = model.Module.state_dict();

        public double[,] Mat(string name)
        {
            var t = _state[name];
            var v = TestModels.Values(t);
            int rows = (int)t.shape[0], cols = (int)t.shape[1];
            var m = new double[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) m[i, j] = v[i * cols + j];
            return m;
        }

        public double[] Vec(string name) => TestModels.Values(_state[name]).Select(x => (double)x).ToArray();
    }

    private static double[] MatVec(double[,] w, double[] x, double[]? bias = null)
    {
        var y = new double[w.GetLength(0)];
        for (int i = 0; i < y.Length; i++)
        {
            double s = bias?[i] ?? 0;
            for (int j = 0; j < x.Length; j++) s += w[i, j] * x[j];
            y[i] = s;
        }
        return y;
    }

    private static double[] Add(double[] a, double[] b) => a.Select((x, i) => x + b[i]).ToArray();

    private static double[] RmsNorm(double[] x, double[] w, double eps)
    {
        double ms = x.Sum(v => v * v) / x.Length;
        return x.Select((v, i) => w[i] * v / Math.Sqrt(ms + eps)).ToArray();
    }

    private static double[] LayerNorm(double[] x, double[] w, double[] b, double eps)
    {
        double mean = x.Average();
        double var = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
        return x.Select((v, i) => w[i] * (v - mean) / Math.Sqrt(var + eps) + b[i]).ToArray();
    }

    private static double[] LogSoftmax(double[] z)
    {
        double max = z.Max();
        double lse = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
        return z.Select(v => v - lse).ToArray();
    }

    private static double[] Rope(double[] head, int position, double theta)
    {
        int d = head.Length, half = d / 2;
        var r = new double[d];
        for (int i = 0; i < half; i++)
        {
            double angle = position / Math.Pow(theta, 2.0 * i / d);
            r[i] = head[i] * Math.Cos(angle) - head[i + half] * Math.Sin(angle);
            r[i + half] = head[i + half] * Math.Cos(angle) + head[i] * Math.Sin(angle);
        }
        return r;
    }

    /// <summary>Abramowitz–Stegun 7.1.26 (|error| below 1.5e-7), since .NET has no erf.</summary>
    private static double Erf(double x)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return x >= 0 ? y : -y;
    }

    /// <summary>Attention of query position t over allowed keys, per head, with head h reading kv head h / groups.</summary>
    private static double[] Attend(double[][] q, double[][] k, double[][] v, int t, int heads, int kvHeads, int d, Func<int, bool> allowed)
    {
        var output = new double[heads * d];
        int groups = heads / kvHeads;
        for (int h = 0; h < heads; h++)
        {
            int kvh = h / groups;
            var keys = Enumerable.Range(0, k.Length).Where(allowed).ToArray();
            var scores = keys.Select(j => Enumerable.Range(0, d).Sum(i => q[t][h * d + i] * k[j][kvh * d + i]) / Math.Sqrt(d)).ToArray();
            double max = scores.Max();
            var p = scores.Select(s => Math.Exp(s - max)).ToArray();
            double z = p.Sum();
            for (int n = 0; n < keys.Length; n++)
                for (int i = 0; i < d; i++) output[h * d + i] += p[n] / z * v[keys[n]][kvh * d + i];
        }
        return output;
    }

    [Fact]
    public void LlamaMatchesReferenceMath()
    {
        var config = TestModels.Llama(heads: 4, kvHeads: 2, layers: 2) with { RopeTheta = 100 };
        using var model = TestModels.Create(config, seed: 9);
        var w = new Weights(model);
        long[] ids = [3, 50, 8, 91, 14, 2];
        int T = ids.Length, H = config.NumAttentionHeads, KV = config.NumKeyValueHeads, d = config.HeadDim;
        var emb = w.Mat("model.embed_tokens.weight");
        var x = ids.Select(id => Enumerable.Range(0, config.HiddenSize).Select(j => emb[id, j]).ToArray()).ToArray();
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            var p = $"model.layers.{l}.";
            var normed = x.Select(h => RmsNorm(h, w.Vec(p + "input_layernorm.weight"), config.RmsNormEps)).ToArray();
            var q = normed.Select((h, t) => RopeHeads(MatVec(w.Mat(p + "self_attn.q_proj.weight"), h), t, H, d, config.RopeTheta)).ToArray();
            var k = normed.Select((h, t) => RopeHeads(MatVec(w.Mat(p + "self_attn.k_proj.weight"), h), t, KV, d, config.RopeTheta)).ToArray();
            var v = normed.Select(h => MatVec(w.Mat(p + "self_attn.v_proj.weight"), h)).ToArray();
            x = x.Select((h, t) => Add(h, MatVec(w.Mat(p + "self_attn.o_proj.weight"), Attend(q, k, v, t, H, KV, d, j => j <= t)))).ToArray();
            x = x.Select(h =>
            {
                var n = RmsNorm(h, w.Vec(p + "post_attention_layernorm.weight"), config.RmsNormEps);
                var g = MatVec(w.Mat(p + "mlp.gate_proj.weight"), n);
                var u = MatVec(w.Mat(p + "mlp.up_proj.weight"), n);
                var a = g.Select((gi, i) => gi / (1 + Math.Exp(-gi)) * u[i]).ToArray();
                return Add(h, MatVec(w.Mat(p + "mlp.down_proj.weight"), a));
            }).ToArray();
        }
        var final = x.Select(h => RmsNorm(h, w.Vec("model.norm.weight"), config.RmsNormEps)).ToArray();
        var expected = new float[T];
        for (int t = 0; t + 1 < T; t++) expected[t] = (float)LogSoftmax(MatVec(w.Mat("lm_head.weight"), final[t]))[ids[t + 1]];

        using var scope = NewDisposeScope();
        var actual = TestModels.Values(model.TargetLogProbs(TestModels.MakeBatch([ids])));
        TestModels.AssertClose(expected, actual, 1e-4f);
    }

    private static double[] RopeHeads(double[] projected, int position, int heads, int d, double theta) =>
        Enumerable.Range(0, heads).SelectMany(h => Rope(projected[(h * d)..((h + 1) * d)], position, theta)).ToArray();

    [Theory]
    [InlineData("bert")]
    [InlineData("roberta")]
    public void BertTokenClassifierMatchesReferenceMath(string modelType)
    {
        var config = TestModels.Bert(modelType: modelType);
        using var model = TestModels.Create(config, seed: 4);
        var w = new Weights(model);
        long[] ids = [2, 40, 7, 66, 5];
        int realLength = 4; // the last token is padding
        int T = ids.Length, H = config.NumAttentionHeads, d = config.HeadDim;
        var word = w.Mat("bert.embeddings.word_embeddings.weight");
        var pos = w.Mat("bert.embeddings.position_embeddings.weight");
        var type = w.Mat("bert.embeddings.token_type_embeddings.weight");
        double eps = config.LayerNormEps;
        var x = ids.Select((id, t) =>
        {
            int position = modelType == "roberta" ? (t < realLength ? config.PadTokenId + 1 + t : config.PadTokenId) : t;
            var e = Enumerable.Range(0, config.HiddenSize).Select(j => word[id, j] + pos[position, j] + type[0, j]).ToArray();
            return LayerNorm(e, w.Vec("bert.embeddings.LayerNorm.weight"), w.Vec("bert.embeddings.LayerNorm.bias"), eps);
        }).ToArray();
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            var p = $"bert.encoder.layer.{l}.";
            var q = x.Select(h => MatVec(w.Mat(p + "attention.self.query.weight"), h, w.Vec(p + "attention.self.query.bias"))).ToArray();
            var k = x.Select(h => MatVec(w.Mat(p + "attention.self.key.weight"), h, w.Vec(p + "attention.self.key.bias"))).ToArray();
            var v = x.Select(h => MatVec(w.Mat(p + "attention.self.value.weight"), h, w.Vec(p + "attention.self.value.bias"))).ToArray();
            var attended = x.Select((h, t) =>
            {
                var ctx = Attend(q, k, v, t, H, H, d, j => j < realLength);
                var o = MatVec(w.Mat(p + "attention.output.dense.weight"), ctx, w.Vec(p + "attention.output.dense.bias"));
                return LayerNorm(Add(o, h), w.Vec(p + "attention.output.LayerNorm.weight"), w.Vec(p + "attention.output.LayerNorm.bias"), eps);
            }).ToArray();
            x = attended.Select(a =>
            {
                var inter = MatVec(w.Mat(p + "intermediate.dense.weight"), a, w.Vec(p + "intermediate.dense.bias"))
                    .Select(z => 0.5 * z * (1 + Erf(z / Math.Sqrt(2)))).ToArray();
                var o = MatVec(w.Mat(p + "output.dense.weight"), inter, w.Vec(p + "output.dense.bias"));
                return LayerNorm(Add(o, a), w.Vec(p + "output.LayerNorm.weight"), w.Vec(p + "output.LayerNorm.bias"), eps);
            }).ToArray();
        }
        long[] labels = [0, 3, 1, 4, 0];
        var expected = new float[T];
        for (int t = 0; t < realLength; t++)
            expected[t] = (float)LogSoftmax(MatVec(w.Mat("classifier.weight"), x[t], w.Vec("classifier.bias")))[labels[t]];

        using var scope = NewDisposeScope();
        var batch = new Batch(
            tensor(ids.Select((id, t) => t < realLength ? id : config.PadTokenId).ToArray()).view(1, T),
            tensor(Enumerable.Range(0, T).Select(t => t < realLength ? 1L : 0L).ToArray()).view(1, T),
            tensor(labels).view(1, T),
            tensor(Enumerable.Range(0, T).Select(t => t < realLength).ToArray()).view(1, T));
        // The reference embeds the pad position with the real id; the model sees pad_token_id there, which
        // only changes the padded position itself (masked out of attention), never the real positions.
        TestModels.AssertClose(expected, TestModels.Values(model.TargetLogProbs(batch)), 1e-4f);
    }
}
