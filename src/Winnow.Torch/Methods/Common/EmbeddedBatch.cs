namespace Winnow.Torch.Methods.Common;

/// <summary>Unit vectors for a batch of examples, row-major (<c>Count × Dimension</c>), and each example's length in the embedder's units.</summary>
public sealed record EmbeddedBatch(float[] Vectors, int[] Lengths)
{
    public int Count => Lengths.Length;
}
