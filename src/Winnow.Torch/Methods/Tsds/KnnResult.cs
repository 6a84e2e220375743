namespace Winnow.Torch.Methods.Tsds;

/// <summary>k nearest candidates of each query: squared L2 distances ascending, and candidate indices; both <c>Queries × K</c>, row-major.</summary>
public sealed record KnnResult(int Queries, int K, float[] SquaredDistances, long[] Indices);
