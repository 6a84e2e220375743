using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using Winnow.Torch.Modeling;
using Winnow.Torch.Modeling.Catalog;
using Winnow.Torch.Modeling.Import;
using Winnow.Torch.Tests.TestSupport;
using Winnow.Torch.Tokenization;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Modeling.Import;

/// <summary>
/// The ONNX importer on the real encoders that ship in NuGet, checked against ONNX Runtime running the original graph —
/// the first reference for Winnow's BERT that was not written here — and on broken inputs.
/// </summary>
[Collection(TorchSerialCollection.Name)]
public sealed class OnnxImportTests(ITestOutputHelper output)
{
    /// <summary>A padded batch of real sentences of different lengths (the CrossNER music sample).</summary>
    private static List<string> Sentences(int count)
    {
        var sentences = new List<string>();
        var words = new List<string>();
        foreach (var line in File.ReadLines(RepoPaths.Samples("ner", "pool", "crossner-music-train.txt")))
        {
            if (line.Trim().Length == 0)
            {
                if (words.Count > 0) sentences.Add(string.Join(' ', words));
                words.Clear();
                if (sentences.Count == count) break;
                continue;
            }
            words.Add(line.Split('\t', ' ')[0]);
        }
        return sentences;
    }

    [Theory]
    [InlineData("minilm-l6")]
    [InlineData("arctic-xs")]
    public void Imported_encoder_gives_onnx_runtimes_hidden_states_at_unpadded_positions(string name)
    {
        using var dir = new TempDir();
        var builtin = ModelCatalog.Find(name)!;
        var (onnx, vocab) = BundledOnnx.Read(builtin.Assembly!);
        var modelDir = dir.Sub("model");
        var report = OnnxEncoderImporter.Import(new MemoryStream(onnx), name + ".onnx", vocab, "vocab.txt", modelDir);
        Assert.Equal(6, report.Config.NumHiddenLayers);
        Assert.Equal(384, report.Config.HiddenSize);
        Assert.Equal(12, report.Config.NumAttentionHeads);
        Assert.Equal("gelu", report.Config.HiddenAct);
        Assert.Equal(1e-12, report.Config.LayerNormEps);

        // Token ids from Winnow's own tokenizer on the converted folder: [CLS] sentence [SEP], padded with [PAD].
        var tokenizer = TokenizerLoader.Load(modelDir);
        var rows = Sentences(5).Select(s => new[] { tokenizer.Cls!.Value }.Concat(tokenizer.Encode(s).Take(60)).Append(tokenizer.Sep!.Value).ToArray()).ToList();
        int b = rows.Count, t = rows.Max(r => r.Length);
        Assert.True(rows.Min(r => r.Length) < t, "the batch must contain padding");
        var ids = new long[b * t];
        var mask = new long[b * t];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < rows[i].Length; j++)
            {
                ids[i * t + j] = rows[i][j];
                mask[i * t + j] = 1;
            }

        float[] reference;
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1 })
        using (var session = new InferenceSession(onnx, options))
        {
            var inputs = new List<NamedOnnxValue>
            {
                NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, [b, t])),
                NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, [b, t])),
                NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[b * t], [b, t])),
            };
            using var results = session.Run(inputs, ["last_hidden_state"]);
            reference = results.First().AsTensor<float>().ToArray();
        }

        float[] ours;
        using (var model = (BertForTokenClassification)ModelCheckpoint.Load(modelDir, out var load, new CheckpointLoadOptions { Head = ModelFamily.TokenClassifier, Labels = ["O"] }))
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            Assert.Equal(["classifier.bias", "classifier.weight"], load.FreshlyInitialized.Order(StringComparer.Ordinal));
            model.eval();
            var hidden = model.Body.call(tensor(ids, [b, t]), tensor(mask, [b, t]));
            ours = hidden.data<float>().ToArray();
        }

        Assert.Equal(reference.Length, ours.Length);
        int h = report.Config.HiddenSize;
        double maxDiff = 0, maxAbs = 0;
        int compared = 0;
        for (int i = 0; i < b * t; i++)
        {
            if (mask[i] == 0) continue;
            compared++;
            for (int k = 0; k < h; k++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(reference[i * h + k] - ours[i * h + k]));
                maxAbs = Math.Max(maxAbs, Math.Abs(reference[i * h + k]));
            }
        }
        output.WriteLine($"{name}: {b} sentences, {compared} unpadded positions of {b * t}, max |hidden| {maxAbs:G4}, max abs difference vs ONNX Runtime {maxDiff:E2}");
        Assert.True(maxAbs > 0.1, "the reference hidden states are not trivial");
        Assert.True(maxDiff <= 1e-4, $"max abs difference {maxDiff:E2} > 1e-4");
    }

    [Fact]
    public void Built_in_model_is_materialised_once_and_reused()
    {
        using var dir = new TempDir();
        var context = new ModelCatalogContext(dir.Sub("cache"), dir.Sub("no-shared-data"));
        var first = ModelCatalog.Get(ModelCatalog.Find("minilm-l6")!, context);
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(first.Directory, "model.safetensors"));
        var second = ModelCatalog.Get(ModelCatalog.Find("MiniLM-L6")!, context);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Directory, second.Directory);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(second.Directory, "model.safetensors")));
        Assert.Equal(first.Directory, ModelCatalog.Resolve("minilm-l6", context));
        Assert.Equal(Path.GetFullPath(first.Directory), ModelCatalog.Resolve(first.Directory, context));
        Assert.Single(Directory.GetDirectories(dir.Sub("cache")));
    }

    [Fact]
    public void Unknown_model_name_lists_the_names_that_exist()
    {
        using var dir = new TempDir();
        var context = new ModelCatalogContext(dir.Sub("cache"), dir.Sub("shared"));
        var e = Assert.Throws<ArgumentException>(() => ModelCatalog.Resolve("minilm-l12", context));
        Assert.Contains("minilm-l12", e.Message);
        foreach (var m in ModelCatalog.All) Assert.Contains(m.Name, e.Message);
        Assert.False(Directory.Exists(dir.Sub("cache")));
    }

    private static (byte[] Onnx, byte[] Vocab) MiniLm() => BundledOnnx.Read(ModelCatalog.Find("minilm-l6")!.Assembly!);

    /// <summary>Runs an import that must fail; checks the message and that nothing (not even a temporary folder) is left.</summary>
    private static OnnxImportException FailingImport(byte[] onnx, byte[] vocab, params string[] expected)
    {
        using var dir = new TempDir();
        var target = dir.Sub("out");
        var e = Assert.Throws<OnnxImportException>(() => OnnxEncoderImporter.Import(new MemoryStream(onnx), "model.onnx", vocab, "vocab.txt", target));
        foreach (var part in expected) Assert.Contains(part, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        return e;
    }

    [Fact]
    public void Truncated_onnx_file_is_refused()
    {
        var (onnx, vocab) = MiniLm();
        FailingImport(onnx[..(onnx.Length / 3)], vocab, "model.onnx", "truncated");
        FailingImport(onnx[..2000], vocab, "model.onnx");
    }

    [Fact]
    public void Vocabulary_of_another_size_is_refused()
    {
        var (onnx, vocab) = MiniLm();
        var shorter = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', System.Text.Encoding.UTF8.GetString(vocab).Split('\n').Take(30000)) + "\n");
        FailingImport(onnx, shorter, "vocab.txt", "30,000", "30,522");
    }

    [Fact]
    public void Graph_that_is_not_a_bert_encoder_is_refused()
    {
        var model = new ModelProto { IrVersion = 7, Graph = new GraphProto { Name = "mlp" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 13 });
        var w = new TensorProto { Name = "fc.weight", DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(new byte[4 * 4 * 4]) };
        w.Dims.AddRange([4, 4]);
        model.Graph.Initializer.Add(w);
        model.Graph.Node.Add(new NodeProto { OpType = "MatMul", Name = "fc", Input = { "x", "fc.weight" }, Output = { "y" } });
        FailingImport(model.ToByteArray(), MiniLm().Vocab, "not a BERT/RoBERTa encoder", "embeddings.word_embeddings.weight");
    }

    [Fact]
    public void Weight_without_a_named_bias_names_the_initializer_and_node()
    {
        var (onnx, vocab) = MiniLm();
        var model = ModelProto.Parser.ParseFrom(onnx);
        // Rename one bias so the Add that consumes the query MatMul no longer names its weight.
        var bias = model.Graph.Initializer.First(i => i.Name == "encoder.layer.2.attention.self.query.bias");
        bias.Name = "mystery_bias";
        foreach (var node in model.Graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == "encoder.layer.2.attention.self.query.bias") node.Input[i] = "mystery_bias";
        var e = FailingImport(model.ToByteArray(), vocab, "has no named bias", "MatMul node");
        Assert.Matches("initializer '[^']+'", e.Message);
    }

    [Fact]
    public void Fused_onnx_runtime_graph_is_refused_with_the_node()
    {
        var (onnx, vocab) = MiniLm();
        var model = ModelProto.Parser.ParseFrom(onnx);
        model.Graph.Node.Add(new NodeProto { OpType = "SkipLayerNormalization", Domain = "com.microsoft", Name = "fused_ln", Input = { "a" }, Output = { "b" } });
        FailingImport(model.ToByteArray(), vocab, "fused_ln", "SkipLayerNormalization");
    }

    [Fact]
    public void Existing_output_folder_is_kept_unless_forced()
    {
        var (onnx, vocab) = MiniLm();
        using var dir = new TempDir();
        var target = dir.Sub("out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");
        var e = Assert.Throws<OnnxImportException>(() => OnnxEncoderImporter.Import(new MemoryStream(onnx), "m.onnx", vocab, "vocab.txt", target));
        Assert.Contains("--force", e.Message);
        Assert.True(File.Exists(Path.Combine(target, "keep.txt")));
        OnnxEncoderImporter.Import(new MemoryStream(onnx), "m.onnx", vocab, "vocab.txt", target, new OnnxImportOptions { Force = true });
        Assert.False(File.Exists(Path.Combine(target, "keep.txt")));
        Assert.True(ModelCheckpoint.Exists(target));
        Assert.Single(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
