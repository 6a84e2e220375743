namespace Winnow.Torch.Methods.Tsds;

/// <summary>The TSDS distribution over a pool plus the kernel density ρ of every pool row that ρ was needed for (NaN elsewhere).</summary>
public sealed record TsdsResult(TsdsAllocation Allocation, double[] Density, int Neighbours, int KdeNeighbours)
{
    public double[] Probabilities => Allocation.Probabilities;
}
