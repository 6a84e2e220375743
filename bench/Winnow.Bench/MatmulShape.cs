namespace Winnow.Bench;

public sealed record MatmulShape(string Name, long M, long K, long N)
{
    public double Flops => 2.0 * M * K * N;
}
