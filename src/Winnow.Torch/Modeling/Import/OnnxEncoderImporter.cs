using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling.Import;

/// <summary>
/// Converts an ONNX export of a BERT or RoBERTa encoder (what <c>torch.onnx.export</c> of a Hugging Face
/// <c>BertModel</c>/<c>RobertaModel</c> writes) into a Hugging Face folder Winnow loads: config.json, model.safetensors
/// and the tokenizer files. How the graph is read is in docs/pretrained-models.md; in short:
/// <list type="bullet">
/// <item>initializers that keep their Hugging Face names (embeddings, every bias and LayerNorm) are taken by name,
/// with a leading <c>bert.</c>/<c>roberta.</c> dropped;</item>
/// <item>the exporter gives the linear weights anonymous names (<c>onnx::MatMul_788</c>, <c>927</c>) and stores them
/// [in, out]; each is consumed by a MatMul whose output feeds an Add with a named <c>….bias</c>, which names it, and it
/// is transposed to Hugging Face's [out, in] (a Gemm's weight is named through its own bias input);</item>
/// <item>sizes come from the tensors; the head count from the reshape that splits the first query projection into
/// heads; LayerNorm ε from the graph; the activation from its ops (Erf: exact GELU).</item>
/// </list>
/// The ONNX protobuf is parsed by OnnxSharp (Google.Protobuf with the ONNX schema). Output goes to a temporary folder
/// beside the destination and is renamed into place only when complete.
/// </summary>
public static class OnnxEncoderImporter
{
    /// <summary>Bumped when the conversion changes, so cached conversions are redone.</summary>
    public const int Version = 1;

    private static readonly string[] BodyPrefixes = ["bert.", "roberta.", "model."];

    private static readonly string[] LayerTensors =
    [
        "attention.self.query.weight", "attention.self.query.bias",
        "attention.self.key.weight", "attention.self.key.bias",
        "attention.self.value.weight", "attention.self.value.bias",
        "attention.output.dense.weight", "attention.output.dense.bias",
        "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
        "intermediate.dense.weight", "intermediate.dense.bias",
        "output.dense.weight", "output.dense.bias",
        "output.LayerNorm.weight", "output.LayerNorm.bias",
    ];

    private static readonly string[] EmbeddingTensors =
    [
        "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
        "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias",
    ];

    /// <summary>Imports <paramref name="onnxPath"/> with the vocabulary at <paramref name="vocabPath"/> into <paramref name="outDir"/>.</summary>
    public static OnnxImportReport Import(string onnxPath, string vocabPath, string outDir, OnnxImportOptions? options = null)
    {
        if (!System.IO.File.Exists(onnxPath)) throw new OnnxImportException(onnxPath, "not found.");
        if (!System.IO.File.Exists(vocabPath)) throw new OnnxImportException(vocabPath, "not found.");
        using var stream = System.IO.File.OpenRead(onnxPath);
        return Import(stream, onnxPath, System.IO.File.ReadAllBytes(vocabPath), vocabPath, outDir, options);
    }

    /// <summary>Imports from a stream (e.g. an assembly resource); <paramref name="onnxName"/> and <paramref name="vocabName"/> name them in errors.</summary>
    public static OnnxImportReport Import(Stream onnx, string onnxName, byte[] vocab, string vocabName, string outDir, OnnxImportOptions? options = null)
    {
        options ??= new OnnxImportOptions();
        options.Validate();
        outDir = Path.GetFullPath(outDir);
        CheckDestination(outDir, options.Force);
        var graph = new GraphView(Parse(onnx, onnxName), onnxName);
        var tokenizer = TokenizerFiles.Read(vocab, vocabName, options);
        var tensors = graph.MapWeights();
        var config = graph.InferConfig(tensors, options, tokenizer);
        if (tokenizer.Size != config.VocabSize)
            throw new OnnxImportException(vocabName, $"has {tokenizer.Size:N0} tokens but the model's embedding has {config.VocabSize:N0} rows: not this model's vocabulary.");
        config = config with { PadTokenId = tokenizer.PadId ?? config.PadTokenId };
        config.Validate();

        var temp = outDir + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(temp);
        try
        {
            WriteWeights(Path.Combine(temp, ModelCheckpoint.WeightsFile), tensors.Named);
            tokenizer.Write(temp);
            var provenance = new JsonObject
            {
                ["source"] = Path.GetFileName(onnxName),
                ["importer_version"] = Version,
                ["producer"] = $"{graph.Producer}",
                ["skipped_initializers"] = new JsonArray(tensors.Skipped.Select(s => (JsonNode)s).ToArray()),
                ["notes"] = new JsonArray(graph.Notes.Select(s => (JsonNode)s).ToArray()),
            };
            System.IO.File.WriteAllText(Path.Combine(temp, "winnow-import.json"), provenance.ToJsonString(ModelConfigs.WriteOptions) + "\n");
            // config.json last: a folder without it is never taken for a model.
            ModelConfigs.Write(config, Path.Combine(temp, ModelCheckpoint.ConfigFile));
            if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
            Directory.CreateDirectory(Path.GetDirectoryName(outDir)!);
            Directory.Move(temp, outDir);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
        long parameters = tensors.Named.Where(kv => !kv.Key.StartsWith("pooler.", StringComparison.Ordinal)).Sum(kv => kv.Value.Data.LongLength);
        return new OnnxImportReport(outDir, config, parameters, tensors.Named.Count, tensors.Skipped, graph.Notes);
    }

    private static void CheckDestination(string outDir, bool force)
    {
        if (System.IO.File.Exists(outDir)) throw new OnnxImportException(outDir, "is a file; --out must name a folder.");
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any() && !force)
            throw new OnnxImportException(outDir, "already exists and is not empty (--force replaces it).");
    }

    private static ModelProto Parse(Stream onnx, string name)
    {
        ModelProto model;
        try
        {
            var input = new CodedInputStream(onnx);
            model = ModelProto.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException(name, $"not a readable ONNX model (truncated or not ONNX): {e.Message}", e);
        }
        if (model.Graph is null || model.Graph.Node.Count == 0 || model.Graph.Initializer.Count == 0)
            throw new OnnxImportException(name, "not an ONNX model with a graph and weights (truncated, or not ONNX).");
        return model;
    }

    private static void WriteWeights(string path, IReadOnlyDictionary<string, WeightData> named)
    {
        using var scope = NewDisposeScope();
        var tensors = named.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new KeyValuePair<string, Tensor>(kv.Key, tensor(kv.Value.Data, kv.Value.Shape)))
            .ToList();
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>A float tensor in Hugging Face's layout.</summary>
    internal sealed record WeightData(float[] Data, long[] Shape);

    /// <summary>The weights by Hugging Face name, and the initializers that were not needed.</summary>
    internal sealed record MappedWeights(Dictionary<string, WeightData> Named, List<string> Skipped);

    /// <summary>The graph with the lookups the mapping needs: initializers and constants by name, consumers of each value.</summary>
    private sealed class GraphView
    {
        private readonly GraphProto _graph;
        private readonly string _file;
        private readonly Dictionary<string, TensorProto> _initializers;
        private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, NodeProto> _producer = new(StringComparer.Ordinal);

        public GraphView(ModelProto model, string file)
        {
            _graph = model.Graph;
            _file = file;
            Producer = $"{model.ProducerName} {model.ProducerVersion}".Trim();
            _initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
            foreach (var t in _graph.Initializer) _initializers[t.Name] = t;
            foreach (var node in _graph.Node)
            {
                if (node.Domain is "com.microsoft" or "com.microsoft.nchwc")
                    throw new OnnxImportException(file, $"node '{node.Name}' is ONNX Runtime's fused {node.OpType} ({node.Domain}): an optimised graph cannot be mapped back to Hugging Face weights; import the plain export.");
                foreach (var input in node.Input) (_consumers.TryGetValue(input, out var list) ? list : _consumers[input] = []).Add(node);
                foreach (var output in node.Output) _producer[output] = node;
                if (node.OpType == "Constant" && node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value && node.Output.Count == 1)
                    _constants[node.Output[0]] = value;
            }
        }

        public string Producer { get; }

        public List<string> Notes { get; } = [];

        public MappedWeights MapWeights()
        {
            var named = new Dictionary<string, WeightData>(StringComparer.Ordinal);
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, init) in _initializers)
            {
                if (HfName(name) is not { } hf || !IsFloat(init)) continue;
                if (hf == "embeddings.position_ids") continue; // a buffer, not a parameter
                named[hf] = new WeightData(Floats(init), init.Dims.ToArray());
                used.Add(name);
            }
            if (!named.ContainsKey("embeddings.word_embeddings.weight"))
                throw new OnnxImportException(_file,
                    $"not a BERT/RoBERTa encoder export: no initializer named 'embeddings.word_embeddings.weight' (with or without a bert./roberta. prefix) among its {_initializers.Count} initializers (e.g. {string.Join(", ", _initializers.Keys.Take(3).Select(k => $"'{k}'"))}).");

            foreach (var node in _graph.Node)
            {
                if (node.OpType is not ("MatMul" or "Gemm") || node.Input.Count < 2) continue;
                var weightName = node.Input[1];
                if (!_initializers.TryGetValue(weightName, out var weight) || used.Contains(weightName)) continue;
                if (!IsFloat(weight) || weight.Dims.Count != 2)
                    throw new OnnxImportException(_file, $"initializer '{weightName}' (input of {node.OpType} node '{node.Name}') is not a 2-D float matrix ({DTypeName(weight.DataType)} [{string.Join(",", weight.Dims)}]).");
                var bias = BiasOf(node) ?? throw new OnnxImportException(_file,
                    $"initializer '{weightName}' (weight of {node.OpType} node '{node.Name}') has no named bias beside it (no Add with a '….bias' initializer consumes its output), so its layer cannot be told.");
                var hf = bias[..^"bias".Length] + "weight";
                bool alreadyOutIn = node.OpType == "Gemm" && (node.Attribute.FirstOrDefault(a => a.Name == "transB")?.I ?? 0) == 1;
                var data = Floats(weight);
                long rows = weight.Dims[0], cols = weight.Dims[1];
                named[hf] = alreadyOutIn ? new WeightData(data, [rows, cols]) : new WeightData(Transpose(data, rows, cols), [cols, rows]);
                used.Add(weightName);
            }
            var skipped = _initializers.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal).ToList();
            foreach (var name in skipped)
            {
                var t = _initializers[name];
                if (IsFloat(t) && t.Dims.Count >= 2 && HfName(name) is null)
                    throw new OnnxImportException(_file, $"initializer '{name}' ([{string.Join(",", t.Dims)}]) is a weight matrix that no MatMul/Gemm with a named bias uses: this graph is not a BERT/RoBERTa encoder layout Winnow can map.");
            }
            return new MappedWeights(named, skipped);
        }

        /// <summary>The Hugging Face name of the bias added to <paramref name="node"/>'s output (Gemm: its third input).</summary>
        private string? BiasOf(NodeProto node)
        {
            if (node.OpType == "Gemm")
                return node.Input.Count > 2 && _initializers.ContainsKey(node.Input[2]) && HfName(node.Input[2]) is { } g && g.EndsWith(".bias", StringComparison.Ordinal) ? g : null;
            if (!_consumers.TryGetValue(node.Output[0], out var consumers)) return null;
            foreach (var add in consumers.Where(c => c.OpType == "Add"))
                foreach (var input in add.Input)
                    if (input != node.Output[0] && _initializers.ContainsKey(input) && HfName(input) is { } b && b.EndsWith(".bias", StringComparison.Ordinal))
                        return b;
            return null;
        }

        public BertConfig InferConfig(MappedWeights weights, OnnxImportOptions options, TokenizerFiles tokenizer)
        {
            var named = weights.Named;
            int layers = 0;
            while (named.Keys.Any(k => k.StartsWith($"encoder.layer.{layers}.", StringComparison.Ordinal))) layers++;
            if (layers == 0) throw new OnnxImportException(_file, "no encoder layers (no tensor named 'encoder.layer.0.…'): not a BERT/RoBERTa encoder export.");
            foreach (var name in EmbeddingTensors.Concat(Enumerable.Range(0, layers).SelectMany(i => LayerTensors.Select(t => $"encoder.layer.{i}.{t}"))))
                if (!named.ContainsKey(name))
                    throw new OnnxImportException(_file, $"no tensor for '{name}' (neither an initializer of that name nor a MatMul weight named by its bias): not a complete BERT/RoBERTa encoder.");

            var word = named["embeddings.word_embeddings.weight"];
            int vocab = Dim(word, 0), hidden = Dim(word, 1);
            int intermediate = Dim(named["encoder.layer.0.intermediate.dense.weight"], 0);
            int positions = Dim(named["embeddings.position_embeddings.weight"], 0);
            int types = named.TryGetValue("embeddings.token_type_embeddings.weight", out var tt) ? Dim(tt, 0) : 1;
            if (!named.ContainsKey("embeddings.token_type_embeddings.weight"))
            {
                named["embeddings.token_type_embeddings.weight"] = new WeightData(new float[hidden], [1, hidden]);
                Notes.Add("no token_type_embeddings: one zero row written (the model never used token types)");
            }
            CheckShapes(named, layers, hidden, intermediate);

            int heads = options.NumAttentionHeads ?? InferHeads(hidden)
                ?? throw new OnnxImportException(_file, "cannot tell the number of attention heads from the graph (no reshape of the query projection into [batch, seq, heads, head_dim]); pass --num-heads.");
            if (hidden % heads != 0) throw new OnnxImportException(_file, $"hidden size {hidden} is not divisible by {heads} heads.");
            bool roberta = _graph.Node.Any(n => n.OpType == "CumSum");
            return new BertConfig
            {
                ModelType = roberta ? "roberta" : "bert",
                BodyOnly = true,
                Head = ModelFamily.MaskedLm,
                VocabSize = vocab,
                HiddenSize = hidden,
                IntermediateSize = intermediate,
                NumHiddenLayers = layers,
                NumAttentionHeads = heads,
                MaxPositionEmbeddings = positions,
                TypeVocabSize = types,
                LayerNormEps = InferEpsilon(),
                HiddenAct = InferActivation(),
                PadTokenId = tokenizer.PadId ?? (roberta ? 1 : 0),
            };
        }

        private void CheckShapes(Dictionary<string, WeightData> named, int layers, int hidden, int intermediate)
        {
            void Expect(string name, params long[] shape)
            {
                var actual = named[name].Shape;
                if (!actual.SequenceEqual(shape))
                    throw new OnnxImportException(_file, $"tensor '{name}' has shape [{string.Join(",", actual)}], expected [{string.Join(",", shape)}] for hidden size {hidden}.");
            }
            Expect("embeddings.LayerNorm.weight", hidden);
            for (int i = 0; i < layers; i++)
            {
                var p = $"encoder.layer.{i}.";
                foreach (var proj in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
                {
                    Expect(p + proj + ".weight", hidden, hidden);
                    Expect(p + proj + ".bias", hidden);
                }
                Expect(p + "intermediate.dense.weight", intermediate, hidden);
                Expect(p + "intermediate.dense.bias", intermediate);
                Expect(p + "output.dense.weight", hidden, intermediate);
                Expect(p + "output.dense.bias", hidden);
            }
        }

        /// <summary>
        /// The exporter splits heads with Reshape(q, [batch, seq, heads, head_dim]) where the shape is a constant or a Concat
        /// of computed batch/seq and two constants: read heads from the reshape fed by the first query projection.
        /// </summary>
        private int? InferHeads(int hidden)
        {
            var bias = _initializers.Keys.FirstOrDefault(k => HfName(k) == "encoder.layer.0.attention.self.query.bias");
            if (bias is null || !_consumers.TryGetValue(bias, out var adds)) return null;
            foreach (var add in adds.Where(a => a.OpType == "Add"))
                foreach (var reshape in _consumers.GetValueOrDefault(add.Output[0], []).Where(c => c.OpType == "Reshape" && c.Input.Count > 1))
                {
                    var shape = ReshapeDims(reshape.Input[1]);
                    if (shape is { Count: 4 } && shape[2] > 0 && shape[3] > 0 && shape[2] * shape[3] == hidden) return (int)shape[2];
                    if (shape is { Count: 4 } && shape[2] > 0 && shape[3] == -1 && hidden % shape[2] == 0) return (int)shape[2];
                }
            return null;
        }

        /// <summary>A reshape target's values where known (constant, or a Concat whose unknown parts count as 0).</summary>
        private List<long>? ReshapeDims(string value)
        {
            if (IntConstant(value) is { } direct) return direct;
            if (!_producer.TryGetValue(value, out var node) || node.OpType != "Concat") return null;
            var dims = new List<long>();
            foreach (var part in node.Input)
                if (IntConstant(part) is { } c) dims.AddRange(c);
                else dims.Add(0);
            return dims;
        }

        private List<long>? IntConstant(string value)
        {
            var t = _initializers.GetValueOrDefault(value) ?? _constants.GetValueOrDefault(value);
            if (t is null || t.DataType is not ((int)TensorProto.Types.DataType.Int64 or (int)TensorProto.Types.DataType.Int32)) return null;
            if (t.DataType == (int)TensorProto.Types.DataType.Int64)
                return t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, long>(t.RawData.Span).ToArray().ToList() : t.Int64Data.ToList();
            return t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, int>(t.RawData.Span).ToArray().Select(i => (long)i).ToList() : t.Int32Data.Select(i => (long)i).ToList();
        }

        /// <summary>LayerNormalization's epsilon, or in a decomposed LayerNorm the constant added to the variance before Sqrt.</summary>
        private double InferEpsilon()
        {
            var fused = _graph.Node.FirstOrDefault(n => n.OpType == "LayerNormalization");
            if (fused is not null)
                return fused.Attribute.FirstOrDefault(a => a.Name == "epsilon") is { } e ? RoundFloat(e.F) : 1e-5;
            foreach (var sqrt in _graph.Node.Where(n => n.OpType == "Sqrt"))
                if (_producer.TryGetValue(sqrt.Input[0], out var add) && add.OpType == "Add")
                    foreach (var input in add.Input)
                        if ((_initializers.GetValueOrDefault(input) ?? _constants.GetValueOrDefault(input)) is { } t && IsFloat(t) && Floats(t) is [var eps])
                            return RoundFloat(eps);
            Notes.Add("LayerNorm epsilon not found in the graph: 1e-12 (BERT's) assumed");
            return 1e-12;
        }

        /// <summary>The float32 constant as the decimal it was written from (1e-12, not 9.9999999600419720025e-13).</summary>
        private static double RoundFloat(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

        private string InferActivation()
        {
            var ops = _graph.Node.Select(n => n.OpType).ToHashSet(StringComparer.Ordinal);
            if (ops.Contains("Erf")) return "gelu";
            if (_graph.Node.FirstOrDefault(n => n.OpType == "Gelu") is { } gelu)
                return gelu.Attribute.FirstOrDefault(a => a.Name == "approximate")?.S.ToStringUtf8() == "tanh" ? "gelu_new" : "gelu";
            if (ops.Contains("Relu")) return "relu";
            int poolerTanh = _graph.Node.Count(n => n.OpType == "Tanh" && n.Input.Any(i => _producer.TryGetValue(i, out var p) && p.OpType == "Gemm"));
            if (_graph.Node.Count(n => n.OpType == "Tanh") > poolerTanh) return "gelu_new";
            throw new OnnxImportException(_file, "cannot tell the feed-forward activation (no Erf, Gelu, Relu or tanh-GELU ops in the graph).");
        }

        private static int Dim(WeightData w, int i) => checked((int)w.Shape[i]);

        private static string? HfName(string name)
        {
            foreach (var prefix in BodyPrefixes)
                if (name.StartsWith(prefix, StringComparison.Ordinal)) { name = name[prefix.Length..]; break; }
            return name.StartsWith("embeddings.", StringComparison.Ordinal) || name.StartsWith("encoder.layer.", StringComparison.Ordinal) || name.StartsWith("pooler.", StringComparison.Ordinal)
                ? name : null;
        }

        private static bool IsFloat(TensorProto t) => t.DataType is (int)TensorProto.Types.DataType.Float or (int)TensorProto.Types.DataType.Float16 or (int)TensorProto.Types.DataType.Bfloat16;

        private static string DTypeName(int dataType) => Enum.IsDefined(typeof(TensorProto.Types.DataType), dataType) ? ((TensorProto.Types.DataType)dataType).ToString() : dataType.ToString(CultureInfo.InvariantCulture);

        private float[] Floats(TensorProto t)
        {
            if (t.ExternalData.Count > 0 || t.DataLocation == TensorProto.Types.DataLocation.External)
                throw new OnnxImportException(_file, $"initializer '{t.Name}' keeps its data in an external file; import a model saved with its weights inside the .onnx.");
            long count = t.Dims.Aggregate(1L, (a, d) => a * d);
            float[] data = t.DataType switch
            {
                (int)TensorProto.Types.DataType.Float => t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : t.FloatData.ToArray(),
                (int)TensorProto.Types.DataType.Float16 => Halves(t).Select(h => (float)BitConverter.UInt16BitsToHalf(h)).ToArray(),
                _ => Halves(t).Select(b => BitConverter.Int32BitsToSingle(b << 16)).ToArray(),
            };
            if (data.LongLength != count)
                throw new OnnxImportException(_file, $"initializer '{t.Name}' holds {data.LongLength:N0} values for shape [{string.Join(",", t.Dims)}] ({count:N0}): the file is damaged.");
            return data;
        }

        // float16/bfloat16 come as raw bytes, or one value per int32 in int32_data.
        private static ushort[] Halves(TensorProto t) =>
            t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, ushort>(t.RawData.Span).ToArray() : t.Int32Data.Select(i => (ushort)i).ToArray();

        private static float[] Transpose(float[] data, long rows, long cols)
        {
            var result = new float[data.LongLength];
            for (long r = 0; r < rows; r++)
                for (long c = 0; c < cols; c++)
                    result[c * rows + r] = data[r * cols + c];
            return result;
        }
    }

    /// <summary>The vocabulary as given (vocab.txt for WordPiece, vocab.json + merges.txt for byte-level BPE) and what it says.</summary>
    internal sealed class TokenizerFiles
    {
        private readonly Dictionary<string, byte[]> _files;
        private readonly JsonObject _config;

        private TokenizerFiles(Dictionary<string, byte[]> files, JsonObject config, int size, int? padId)
        {
            _files = files;
            _config = config;
            Size = size;
            PadId = padId;
        }

        public int Size { get; }

        public int? PadId { get; }

        public static TokenizerFiles Read(byte[] vocab, string name, OnnxImportOptions options)
        {
            if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return ReadBpe(vocab, name, options);
            string text;
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(vocab);
            }
            catch (DecoderFallbackException)
            {
                throw new OnnxImportException(name, "is not UTF-8 text: expected a WordPiece vocab.txt (one token per line).");
            }
            var lines = text.Split('\n');
            int count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
            var tokens = lines.Take(count).Select(l => l.TrimEnd('\r')).ToList();
            if (count == 0) throw new OnnxImportException(name, "is empty: expected a WordPiece vocab.txt (one token per line).");
            foreach (var special in new[] { "[CLS]", "[SEP]", "[UNK]" })
                if (!tokens.Contains(special))
                    throw new OnnxImportException(name, $"has no {special} token: not a BERT WordPiece vocab.txt.");
            // An uncased vocabulary holds no capital letters outside its [SPECIAL] tokens.
            bool lower = options.LowerCase ?? !tokens.Any(t => !(t.StartsWith('[') && t.EndsWith(']')) && t.Any(char.IsUpper));
            var config = new JsonObject
            {
                ["tokenizer_class"] = "BertTokenizer",
                ["do_lower_case"] = lower,
                ["strip_accents"] = null,
                ["tokenize_chinese_chars"] = true,
                ["model_max_length"] = 512,
                ["unk_token"] = "[UNK]", ["sep_token"] = "[SEP]", ["pad_token"] = "[PAD]", ["cls_token"] = "[CLS]", ["mask_token"] = "[MASK]",
            };
            int pad = tokens.IndexOf("[PAD]");
            return new TokenizerFiles(new() { ["vocab.txt"] = vocab }, config, count, pad >= 0 ? pad : null);
        }

        private static TokenizerFiles ReadBpe(byte[] vocab, string name, OnnxImportOptions options)
        {
            if (options.Merges is null) throw new OnnxImportException(name, "a byte-level BPE vocab.json needs its merges.txt (--merges).");
            if (!System.IO.File.Exists(options.Merges)) throw new OnnxImportException(options.Merges, "not found.");
            JsonObject map;
            try
            {
                map = JsonNode.Parse(vocab) as JsonObject ?? throw new OnnxImportException(name, "is not a JSON object of token → id.");
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new OnnxImportException(name, $"is not valid JSON: {e.Message}", e);
            }
            int size = map.Select(kv => kv.Value?.GetValue<int>() ?? -1).DefaultIfEmpty(-1).Max() + 1;
            var config = new JsonObject
            {
                ["tokenizer_class"] = "RobertaTokenizer",
                ["model_max_length"] = 512,
                ["bos_token"] = "<s>", ["eos_token"] = "</s>", ["sep_token"] = "</s>", ["cls_token"] = "<s>",
                ["unk_token"] = "<unk>", ["pad_token"] = "<pad>", ["mask_token"] = "<mask>",
            };
            int? pad = map["<pad>"] is JsonValue v ? v.GetValue<int>() : null;
            return new TokenizerFiles(new() { ["vocab.json"] = vocab, ["merges.txt"] = System.IO.File.ReadAllBytes(options.Merges) }, config, size, pad);
        }

        public void Write(string dir)
        {
            foreach (var (file, bytes) in _files) System.IO.File.WriteAllBytes(Path.Combine(dir, file), bytes);
            System.IO.File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), _config.ToJsonString(ModelConfigs.WriteOptions) + "\n");
        }
    }
}
