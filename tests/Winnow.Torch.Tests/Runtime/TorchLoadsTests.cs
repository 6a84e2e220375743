using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Runtime;

public class TorchLoadsTests
{
    [Fact]
    public void ForwardAndBackwardRunOnCpu()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 1f, 2f, 3f }, requires_grad: true);
        var w = tensor(new float[] { 0.5f, -1f, 2f }, requires_grad: true);
        var loss = (x * w).sum().pow(2);
        loss.backward();

        // loss = (x·w)^2 = (0.5 - 2 + 6)^2 = 4.5^2; dloss/dx = 2·4.5·w, dloss/dw = 2·4.5·x
        Assert.Equal(20.25f, loss.item<float>(), 4);
        Assert.Equal(new[] { 4.5f, -9f, 18f }, x.grad!.data<float>().ToArray());
        Assert.Equal(new[] { 9f, 18f, 27f }, w.grad!.data<float>().ToArray());
    }

    [Fact]
    public void MatmulMatchesManualProduct()
    {
        using var scope = NewDisposeScope();
        var a = arange(6, dtype: float32).reshape(2, 3);
        var b = arange(12, dtype: float32).reshape(3, 4);
        var c = matmul(a, b).data<float>().ToArray();
        var av = a.data<float>().ToArray();
        var bv = b.data<float>().ToArray();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 4; j++)
            {
                float expected = 0;
                for (int k = 0; k < 3; k++) expected += av[i * 3 + k] * bv[k * 4 + j];
                Assert.Equal(expected, c[i * 4 + j]);
            }
    }
}
