using System.Diagnostics;
using static TorchSharp.torch;

namespace Winnow.Bench;

public static class Matmul
{
    public static MatmulResult Measure(MatmulShape shape, int threads, double seconds)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = randn(shape.M, shape.K);
        var b = randn(shape.K, shape.N);
        for (int i = 0; i < 3; i++) matmul(a, b).Dispose();
        var clock = Stopwatch.StartNew();
        long runs = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            matmul(a, b).Dispose();
            runs++;
        }
        double gflops = runs * shape.Flops / clock.Elapsed.TotalSeconds / 1e9;
        Console.Error.WriteLine($"  matmul {shape.Name} {shape.M}×{shape.K}×{shape.N}: {gflops:F1} GFLOP/s");
        return new MatmulResult(shape.Name, shape.M, shape.K, shape.N, threads, gflops);
    }
}
