using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Modeling;

public class CheckpointTests
{
    private static float[] Score(IPretrainedModel model)
    {
        using var scope = NewDisposeScope();
        var batch = model.Family switch
        {
            ModelFamily.CausalLm => TestModels.MakeBatch(TestModels.SampleRows()),
            ModelFamily.TokenClassifier => TestModels.MakeBatch(TestModels.SampleRows(), targetModulo: 5, shiftTargets: false),
            _ => TestModels.MakeBatch(TestModels.SampleRows(), shiftTargets: false),
        };
        return TestModels.Values(model.TargetLogProbs(batch));
    }

    public static TheoryData<string> Kinds => ["llama", "llama-tied", "bert-ner", "bert-mlm", "roberta-mlm"];

    private static IModelConfig ConfigFor(string kind) => kind switch
    {
        "llama" => TestModels.Llama(),
        "llama-tied" => TestModels.Llama(tie: true),
        "bert-ner" => TestModels.Bert(),
        "bert-mlm" => TestModels.Bert(ModelFamily.MaskedLm),
        _ => TestModels.Bert(ModelFamily.MaskedLm, "roberta"),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Float32RoundTripIsExact(string kind)
    {
        using var dir = new TempDir();
        using var model = TestModels.Create(ConfigFor(kind));
        ModelCheckpoint.Save(model, dir.Path);
        using var loaded = ModelCheckpoint.Load(dir.Path, out var report);
        loaded.Module.eval();
        Assert.Equal(model.GetType(), loaded.GetType());
        Assert.Equal(model.Family, loaded.Family);
        Assert.Empty(report.FreshlyInitialized);
        Assert.Empty(report.Ignored);
        Assert.Equal(Score(model), Score(loaded));
        var original = TestModels.StateBytes(model);
        Assert.All(TestModels.StateBytes(loaded), kv => Assert.Equal(original[kv.Key], kv.Value));
    }

    [Theory]
    [InlineData(ScalarType.Float16, "float16", "F16")]
    [InlineData(ScalarType.BFloat16, "bfloat16", "BF16")]
    public void HalfPrecisionRoundTripIsClose(ScalarType dtype, string configName, string fileDType)
    {
        using var dir = new TempDir();
        using var model = TestModels.Create(TestModels.Llama());
        ModelCheckpoint.Save(model, dir.Path, new CheckpointSaveOptions { DType = dtype });
        Assert.Equal(configName, JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "config.json")))!["torch_dtype"]!.GetValue<string>());
        Assert.All(SafeTensors.ReadHeader(Path.Combine(dir.Path, ModelCheckpoint.WeightsFile)).Entries, e => Assert.Equal(fileDType, e.DType));
        using var loaded = ModelCheckpoint.Load(dir.Path); // built in float32, tensors converted on load
        loaded.Module.eval();
        Assert.Equal(ScalarType.Float32, loaded.DType());
        TestModels.AssertClose(Score(model), Score(loaded), dtype == ScalarType.BFloat16 ? 0.1f : 0.02f);

        using var native = ModelCheckpoint.Load(dir.Path, new CheckpointLoadOptions { DType = dtype });
        native.Module.eval();
        Assert.Equal(dtype, native.DType());
        Assert.All(Score(native), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void ShardedSaveWritesIndexAndLoadsBack()
    {
        using var dir = new TempDir();
        using var model = TestModels.Create(TestModels.Llama());
        ModelCheckpoint.Save(model, dir.Path, new CheckpointSaveOptions { MaxShardBytes = 20_000 });
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, ModelCheckpoint.IndexFile)))!.AsObject();
        var shardFiles = index["weight_map"]!.AsObject().Select(kv => kv.Value!.GetValue<string>()).Distinct().ToList();
        Assert.True(shardFiles.Count > 1);
        Assert.All(shardFiles, f => Assert.Matches(@"^model-\d{5}-of-\d{5}\.safetensors$", f));
        Assert.False(File.Exists(Path.Combine(dir.Path, ModelCheckpoint.WeightsFile)));
        long total = index["metadata"]!["total_size"]!.GetValue<long>();
        Assert.Equal(model.Module.parameters().Sum(p => p.numel() * 4), total);
        using var loaded = ModelCheckpoint.Load(dir.Path);
        loaded.Module.eval();
        Assert.Equal(Score(model), Score(loaded));

        // Saving unsharded over it leaves one answer in the directory.
        ModelCheckpoint.Save(model, dir.Path);
        Assert.Equal(new[] { ModelCheckpoint.ConfigFile, ModelCheckpoint.WeightsFile }, Directory.GetFiles(dir.Path).Select(f => Path.GetFileName(f)!).Order().ToArray());
    }

    [Fact]
    public void MaskedLmBodyLoadsIntoTokenClassifierWithFreshHeadReported()
    {
        using var dir = new TempDir();
        using var mlm = TestModels.Create(TestModels.Bert(ModelFamily.MaskedLm));
        ModelCheckpoint.Save(mlm, dir.Path);
        using var ner = ModelCheckpoint.Load(dir.Path, out var report, new CheckpointLoadOptions { Head = ModelFamily.TokenClassifier, Labels = ["O", "B-X", "I-X"] });
        Assert.IsType<BertForTokenClassification>(ner);
        Assert.Equal(["classifier.weight", "classifier.bias"], report.FreshlyInitialized.Order().Reverse().ToArray());
        Assert.Contains("cls.predictions.bias", report.Ignored);
        var body = TestModels.StateBytes(mlm);
        Assert.All(TestModels.StateBytes(ner).Where(kv => kv.Key.StartsWith("bert.", StringComparison.Ordinal)), kv => Assert.Equal(body[kv.Key], kv.Value));
        Assert.Equal(3, ((BertConfig)ner.Config).Labels.Count);
    }

    [Fact]
    public void LegacyGammaBetaLayerNormNamesLoad()
    {
        using var dir = new TempDir();
        using var model = TestModels.Create(TestModels.Bert());
        ModelCheckpoint.Save(model, dir.Path);
        var weights = Path.Combine(dir.Path, ModelCheckpoint.WeightsFile);
        var all = SafeTensors.Load(weights);
        var renamed = all.ToDictionary(
            kv => kv.Key.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta"), kv => kv.Value);
        SafeTensors.Save(weights, renamed);
        foreach (var t in all.Values) t.Dispose();
        using var loaded = ModelCheckpoint.Load(dir.Path);
        loaded.Module.eval();
        Assert.Equal(Score(model), Score(loaded));
    }

    [Fact]
    public void WrittenFileParsesIndependentlyPerSpec()
    {
        using var dir = new TempDir();
        var path = dir.Sub("t.safetensors");
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1.5f, -2f, 3.25f, 0f, 1e-3f, 7f }).view(2, 3);
        var b = tensor(new long[] { 1, -2, 3 });
        var c = tensor(new float[] { 0.5f, -1f }).to_type(ScalarType.BFloat16);
        SafeTensors.Save(path, [new("a", a), new("b", b), new("c", c)], new Dictionary<string, string> { ["format"] = "pt" });

        var bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, (8 + n) % 8);
        var headerText = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.Equal(headerText.TrimEnd(' '), headerText.TrimEnd(' ').Trim());
        using var header = JsonDocument.Parse(headerText);
        var root = header.RootElement;
        Assert.Equal("pt", root.GetProperty("__metadata__").GetProperty("format").GetString());
        int dataStart = 8 + (int)n;
        long[] Offsets(string name) => root.GetProperty(name).GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();

        Assert.Equal("F32", root.GetProperty("a").GetProperty("dtype").GetString());
        Assert.Equal([2L, 3L], root.GetProperty("a").GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        var oa = Offsets("a");
        var floats = Enumerable.Range(0, 6).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + (int)oa[0] + 4 * i))).ToArray();
        Assert.Equal(new[] { 1.5f, -2f, 3.25f, 0f, 1e-3f, 7f }, floats);

        Assert.Equal("I64", root.GetProperty("b").GetProperty("dtype").GetString());
        var ob = Offsets("b");
        Assert.Equal(new long[] { 1, -2, 3 }, Enumerable.Range(0, 3).Select(i => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(dataStart + (int)ob[0] + 8 * i))));

        Assert.Equal("BF16", root.GetProperty("c").GetProperty("dtype").GetString());
        var oc = Offsets("c");
        // bfloat16 is the top half of a float32.
        var bf = Enumerable.Range(0, 2).Select(i => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(dataStart + (int)oc[0] + 2 * i)) << 16)).ToArray();
        Assert.Equal(new[] { 0.5f, -1f }, bf);
        Assert.Equal(bytes.Length - dataStart, (int)new[] { oa[1], ob[1], oc[1] }.Max());

        var back = SafeTensors.Load(path);
        Assert.Equal(TestModels.Values(a), TestModels.Values(back["a"]));
        Assert.Equal(new long[] { 1, -2, 3 }, back["b"].data<long>().ToArray());
        foreach (var t in back.Values) t.Dispose();
    }

    [Fact]
    public void ReadsFilesWrittenByOtherWritersWithUnsortedOffsetsAndFp16()
    {
        using var dir = new TempDir();
        var path = dir.Sub("x.safetensors");
        // Hand-built file: data for "late" stored before "early", fp16 values 1.0 and -2.0.
        var header = """{"late":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"early":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""";
        File.WriteAllBytes(path, Build(header, [0x00, 0x3C, 0x00, 0xC0, .. BitConverter.GetBytes(5.5f)]));
        var t = SafeTensors.Load(path, ScalarType.Float32);
        Assert.Equal(new[] { 1f, -2f }, TestModels.Values(t["late"]));
        Assert.Equal(new[] { 5.5f }, TestModels.Values(t["early"]));
        foreach (var x in t.Values) x.Dispose();
    }

    public static byte[] Build(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var result = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)h.Length);
        h.CopyTo(result, 8);
        data.CopyTo(result, 8 + h.Length);
        return result;
    }
}
