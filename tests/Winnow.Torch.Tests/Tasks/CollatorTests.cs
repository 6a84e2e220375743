using Winnow.Torch.Tasks;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Tasks;

public class CollatorTests
{
    private static EncodedExample Example(string id, int length) => new(id,
        Enumerable.Range(10, length).ToArray(), Enumerable.Range(11, length).ToArray(),
        Enumerable.Range(0, length).Select(t => t % 2 == 0).ToArray());

    [Fact]
    public void PadsRightToTheLongestWithMasks()
    {
        using var scope = NewDisposeScope();
        var batch = new Collator(padId: 3).Collate([Example("a", 2), Example("b", 4)]);
        Assert.Equal(new long[] { 2, 4 }, batch.InputIds.shape);
        Assert.Equal(ScalarType.Int64, batch.InputIds.dtype);
        Assert.Equal(ScalarType.Int64, batch.AttentionMask.dtype);
        Assert.Equal(ScalarType.Int64, batch.Targets.dtype);
        Assert.Equal(ScalarType.Bool, batch.TargetMask.dtype);
        Assert.Equal(new long[] { 10, 11, 3, 3, 10, 11, 12, 13 }, batch.InputIds.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 0, 0, 1, 1, 1, 1 }, batch.AttentionMask.data<long>().ToArray());
        Assert.Equal(new long[] { 11, 12, 0, 0, 11, 12, 13, 14 }, batch.Targets.data<long>().ToArray());
        Assert.Equal(new[] { true, false, false, false, true, false, true, false }, batch.TargetMask.data<bool>().ToArray());
        Assert.Equal(2, batch.Size);
        Assert.Equal(4, batch.Length);
    }

    [Fact]
    public void PadIdComesFromTheTokenizer()
    {
        Assert.Equal(Tokenizers.Encoder.Pad, Collator.For(Tokenizers.Encoder).PadId);
        Assert.Equal(Tokenizers.Lm.Eos, Collator.For(Tokenizers.Lm).PadId);
    }
}
