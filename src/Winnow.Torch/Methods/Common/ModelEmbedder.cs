using Winnow.Core.Data;
using Winnow.Methods.Common;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tokenization;
using static TorchSharp.torch;
using Winnow.Torch.Runtime;

namespace Winnow.Torch.Methods.Common;

/// <summary>
/// The default TSDS encoder, and the one ToV's pool-kinship test embeds the target and pool with: the base model's last hidden state (after the final norm for Llama, the encoder output
/// for BERT), mean-pooled over real tokens (attention mask), then L2-normalised. Runs in eval mode under no_grad, in
/// length-sorted batches so padding stays small.
/// </summary>
public sealed class ModelEmbedder : IEmbedder
{
    private readonly IPretrainedModel _model;
    private readonly WinnowTokenizer _tokenizer;
    private readonly int _maxLength;
    private readonly int _batchSize;
    private readonly long _padId;

    public ModelEmbedder(string modelDirectory, int maxLength = 256, int batchSize = 32)
    {
        if (!Directory.Exists(modelDirectory)) throw new DirectoryNotFoundException($"Model folder not found: {modelDirectory}");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _tokenizer = TokenizerLoader.Load(modelDirectory);
        _model = ModelCheckpoint.Load(modelDirectory);
        _model.Module.eval();
        _maxLength = maxLength;
        _batchSize = batchSize;
        _padId = _tokenizer.Pad ?? _tokenizer.Eos ?? 0;
        Dimension = ProbeDimension();
        Description = $"{_model.Family} {Path.GetFileName(Path.TrimEndingDirectorySeparator(modelDirectory))}: mean-pooled last hidden state, {Dimension} dims";
    }

    public int Dimension { get; }

    public string Description { get; }

    /// <summary>The hidden width, read off one forward pass so no config field has to be trusted.</summary>
    private int ProbeDimension()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return checked((int)Hidden(tensor(new long[] { _padId }, [1, 1]), ones(1, 1, dtype: ScalarType.Int64)).shape[^1]);
    }

    public EmbeddedBatch Embed(IReadOnlyList<Example> examples, CancellationToken cancellationToken = default)
    {
        var ids = examples.Select(e => TokenIds(ExampleText.Of(e))).ToArray();
        var vectors = new float[examples.Count * Dimension];
        var order = Enumerable.Range(0, ids.Length).OrderBy(i => ids[i].Length).ToArray();
        using var noGrad = no_grad();
        foreach (var batch in order.Chunk(_batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (NewDisposeScope())
            {
                var pooled = EmbedBatch(batch.Select(i => ids[i]).ToArray()).data<float>().ToArray();
                for (int r = 0; r < batch.Length; r++)
                    Array.Copy(pooled, r * Dimension, vectors, batch[r] * Dimension, Dimension);
            }
        }
        return new EmbeddedBatch(vectors, ids.Select(t => t.Length).ToArray());
    }

    /// <summary>Content tokens framed the way the model saw text in pre-training: CLS…SEP for encoders, BOS… for decoders.</summary>
    private long[] TokenIds(string text)
    {
        var prefix = _tokenizer.Cls ?? _tokenizer.Bos;
        var suffix = _tokenizer.Cls is not null ? _tokenizer.Sep : null;
        int room = _maxLength - (prefix is null ? 0 : 1) - (suffix is null ? 0 : 1);
        var content = _tokenizer.Encode(text).Take(Math.Max(1, room)).Select(i => (long)i);
        var ids = new List<long>(_maxLength);
        if (prefix is { } p) ids.Add(p);
        ids.AddRange(content);
        if (suffix is { } s) ids.Add(s);
        if (ids.Count == 0) ids.Add(_padId);
        return ids.ToArray();
    }

    /// <summary>Unit mean-pooled vectors [B,H] (float32) for one batch of token ids.</summary>
    private Tensor EmbedBatch(long[][] batch)
    {
        int rows = batch.Length, cols = batch.Max(b => b.Length);
        var ids = new long[rows * cols];
        var mask = new long[rows * cols];
        Array.Fill(ids, _padId);
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(batch[r], 0, ids, r * cols, batch[r].Length);
            Array.Fill(mask, 1L, r * cols, batch[r].Length);
        }
        var maskTensor = tensor(mask, [rows, cols]);
        var hidden = Hidden(tensor(ids, [rows, cols]), maskTensor).to(ScalarType.Float32);
        var weights = maskTensor.to(ScalarType.Float32).unsqueeze(-1);
        var mean = (hidden * weights).sum(1) / weights.sum(1).clamp_min(SafeScalars.One);
        return nn.functional.normalize(mean, p: 2, dim: 1).contiguous().MoveToOuterDisposeScope();
    }

    private Tensor Hidden(Tensor ids, Tensor mask) => _model switch
    {
        LlamaForCausalLM llama => llama.Hidden(ids, mask),
        BertForMaskedLM bert => bert.Body.call(ids, mask),
        BertForTokenClassification bert => bert.Body.call(ids, mask),
        _ => throw new NotSupportedException($"Cannot embed with a {_model.Family} model."),
    };

    public void Dispose() => _model.Dispose();
}
