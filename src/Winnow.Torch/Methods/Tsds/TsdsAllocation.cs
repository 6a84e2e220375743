namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// The TSDS probability assignment. <see cref="Probabilities"/> has one entry per pool row and sums to 1;
/// <see cref="Level"/> is the water level s; <see cref="NeighbourhoodSizes"/> is how many candidates each query
/// spread its mass over (the last one may get only a remainder); <see cref="MarginalCost"/> is Σ_j cost_j when the
/// growth stopped.
/// </summary>
public sealed record TsdsAllocation(double[] Probabilities, double Level, int[] NeighbourhoodSizes, double MarginalCost, bool StoppedByCost)
{
    public int Support => Probabilities.Count(p => p > 0);
}
