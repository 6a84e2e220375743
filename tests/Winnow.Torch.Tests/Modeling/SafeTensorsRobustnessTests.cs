using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Modeling;

public class SafeTensorsRobustnessTests
{
    public static TheoryData<ScalarType> DTypes =>
        [ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16, ScalarType.Float64, ScalarType.Int64, ScalarType.Int32, ScalarType.Byte, ScalarType.Bool];

    [Theory]
    [MemberData(nameof(DTypes))]
    public void EveryDTypeAndShapeRoundTripsBitExactly(ScalarType dtype)
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        long[][] shapes = [[], [0], [1], [7], [3, 5], [2, 0, 4], [2, 3, 4]];
        var tensors = shapes.Select((s, i) => new KeyValuePair<string, Tensor>($"t{i}", (randn(s) * 50).to_type(dtype))).ToList();
        var path = dir.Sub("all.safetensors");
        SafeTensors.Save(path, tensors);
        var back = SafeTensors.Load(path);
        foreach (var (name, original) in tensors)
        {
            Assert.Equal(original.dtype, back[name].dtype);
            Assert.Equal(original.shape, back[name].shape);
            Assert.Equal(original.bytes.ToArray(), back[name].bytes.ToArray());
            back[name].Dispose();
        }
    }

    [Fact]
    public void EveryTruncationFailsWithCheckpointException()
    {
        using var dir = new TempDir();
        using var model = TestModels.Create(TestModels.Llama(layers: 1));
        ModelCheckpoint.Save(model, dir.Path);
        var weights = Path.Combine(dir.Path, ModelCheckpoint.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        var cuts = Enumerable.Range(0, 64).Select(i => i).Concat(Enumerable.Range(1, 40).Select(i => bytes.Length * i / 41)).Append(bytes.Length - 1);
        foreach (var cut in cuts.Distinct())
        {
            File.WriteAllBytes(weights, bytes[..cut]);
            var e = Assert.Throws<CheckpointException>(() => ModelCheckpoint.Load(dir.Path).Dispose());
            Assert.Equal(weights, e.File);
        }
    }

    [Fact]
    public void CorruptedHeaderBytesNeverCrash()
    {
        using var dir = new TempDir();
        using var model = TestModels.Create(TestModels.Llama(layers: 1));
        ModelCheckpoint.Save(model, dir.Path);
        var weights = Path.Combine(dir.Path, ModelCheckpoint.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        int headerEnd = 8 + (int)BitConverter.ToUInt64(bytes, 0);
        var random = new Random(17);
        for (int trial = 0; trial < 300; trial++)
        {
            var copy = (byte[])bytes.Clone();
            int at = random.Next(0, headerEnd);
            copy[at] = (byte)random.Next(0, 256);
            File.WriteAllBytes(weights, copy);
            try
            {
                ModelCheckpoint.Load(dir.Path).Dispose();
            }
            catch (CheckpointException)
            {
                // expected for most corruptions; anything else fails the test
            }
        }
    }

    [Fact]
    public void OverlappingTensorsAreRefusedNamingBoth()
    {
        using var dir = new TempDir();
        var path = dir.Sub("overlap.safetensors");
        using (var a = arange(4, ScalarType.Float32))
        using (var b = arange(4, ScalarType.Float32) + 10)
            SafeTensors.Save(path, [new("a", a), new("b", b)]);
        var bytes = File.ReadAllBytes(path);
        int headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        var header = System.Text.Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.Contains("[16,32]", header);
        // b's bytes moved onto a's: every name is still there, the sizes still match, the data section is unchanged.
        var crafted = header.Replace("[16,32]", "[8,24]").PadRight(headerLength);
        System.Text.Encoding.UTF8.GetBytes(crafted).CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<CheckpointException>(() => SafeTensors.Load(path));
        Assert.Contains("overlap", e.Message);
        Assert.Contains("'a'", e.Message);
        Assert.Equal("b", e.Tensor);
    }
}
