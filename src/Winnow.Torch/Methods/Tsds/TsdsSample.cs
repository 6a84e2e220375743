namespace Winnow.Torch.Methods.Tsds;

/// <summary>A draw of n from p: every draw in order, and the distinct rows with how often each was drawn.</summary>
public sealed record TsdsSample(int[] Draws, int[] Distinct, int[] Counts)
{
    public int DistinctCount => Distinct.Length;
}
