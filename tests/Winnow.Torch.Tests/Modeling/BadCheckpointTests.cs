using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Winnow.Torch.Modeling;

namespace Winnow.Torch.Tests.Modeling;

public class BadCheckpointTests
{
    private static (TempDir Dir, string Weights) SavedLlama()
    {
        var dir = new TempDir();
        using var model = TestModels.Create(TestModels.Llama(layers: 1));
        ModelCheckpoint.Save(model, dir.Path);
        return (dir, Path.Combine(dir.Path, ModelCheckpoint.WeightsFile));
    }

    private static CheckpointException LoadFails(string dir) => Assert.Throws<CheckpointException>(() => ModelCheckpoint.Load(dir).Dispose());

    [Fact]
    public void TruncatedFileIsReported()
    {
        var (dir, weights) = SavedLlama();
        using var _ = dir;
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length - 100)]);
        var e = LoadFails(dir.Path);
        Assert.Equal(weights, e.File);
        Assert.NotNull(e.Tensor);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void TinyFileIsReported()
    {
        var (dir, weights) = SavedLlama();
        using var _ = dir;
        File.WriteAllBytes(weights, [1, 2, 3]);
        Assert.Contains("truncated", LoadFails(dir.Path).Message);
    }

    [Fact]
    public void HeaderLengthBeyondFileIsReported()
    {
        var (dir, weights) = SavedLlama();
        using var _ = dir;
        var bytes = File.ReadAllBytes(weights);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)bytes.Length * 4);
        File.WriteAllBytes(weights, bytes);
        var e = LoadFails(dir.Path);
        Assert.Equal(weights, e.File);
        Assert.Contains("header length", e.Message);
    }

    [Fact]
    public void GarbageHeaderIsReported()
    {
        using var dir = new TempDir();
        var path = dir.Sub("g.safetensors");
        File.WriteAllBytes(path, CheckpointTests.Build("{not json!", [0, 0, 0, 0]));
        Assert.Contains("not valid UTF-8 JSON", Assert.Throws<CheckpointException>(() => SafeTensors.Load(path)).Message);
    }

    [Fact]
    public void UnknownDTypeNamesTheTensor()
    {
        using var dir = new TempDir();
        var path = dir.Sub("d.safetensors");
        File.WriteAllBytes(path, CheckpointTests.Build("""{"w":{"dtype":"F8_E9M9","shape":[2],"data_offsets":[0,2]}}""", [0, 0]));
        var e = Assert.Throws<CheckpointException>(() => SafeTensors.Load(path));
        Assert.Equal("w", e.Tensor);
        Assert.Contains("F8_E9M9", e.Message);
    }

    [Fact]
    public void WrongShapeNamesFileAndTensor()
    {
        var (dir, weights) = SavedLlama();
        using var _ = dir;
        using (var other = TestModels.Create(TestModels.Llama(layers: 1) with { IntermediateSize = 40 }))
            SafeTensors.Save(weights, other.Module.state_dict());
        var e = LoadFails(dir.Path);
        Assert.Equal(weights, e.File);
        Assert.Equal("model.layers.0.mlp.gate_proj.weight", e.Tensor);
        Assert.Contains("shape", e.Message);
    }

    [Fact]
    public void MissingTensorIsReported()
    {
        var (dir, weights) = SavedLlama();
        using var _ = dir;
        var all = SafeTensors.Load(weights);
        all.Remove("model.norm.weight", out var removed);
        removed!.Dispose();
        SafeTensors.Save(weights, all);
        foreach (var t in all.Values) t.Dispose();
        var e = LoadFails(dir.Path);
        Assert.Equal("model.norm.weight", e.Tensor);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void UnknownArchitectureIsReported()
    {
        var (dir, _) = SavedLlama();
        using var __ = dir;
        var configPath = Path.Combine(dir.Path, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        json["model_type"] = "mamba";
        json["architectures"] = new JsonArray("MambaForCausalLM");
        File.WriteAllText(configPath, json.ToJsonString());
        var e = LoadFails(dir.Path);
        Assert.Equal(configPath, e.File);
        Assert.Contains("MambaForCausalLM", e.Message);
    }

    [Fact]
    public void MissingWeightsAndMissingShardAreReported()
    {
        var (dir, weights) = SavedLlama();
        using var _ = dir;
        File.Delete(weights);
        Assert.Contains("not found", LoadFails(dir.Path).Message);
        File.WriteAllText(Path.Combine(dir.Path, ModelCheckpoint.IndexFile), """{"weight_map":{"model.norm.weight":"model-00001-of-00002.safetensors"}}""");
        Assert.Contains("shard", LoadFails(dir.Path).Message);
        Assert.Contains("config.json", Assert.Throws<CheckpointException>(() => ModelCheckpoint.Load(dir.Sub("nowhere"))).Message);
    }
}
