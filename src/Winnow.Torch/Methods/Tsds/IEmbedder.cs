using Winnow.Core.Data;

namespace Winnow.Torch.Methods.Tsds;

/// <summary>Unit vectors for a batch of examples, row-major (<c>Count × Dimension</c>), and each example's length in the embedder's units.</summary>
public sealed record EmbeddedBatch(float[] Vectors, int[] Lengths)
{
    public int Count => Lengths.Length;
}

/// <summary>
/// Turns examples into L2-normalised vectors for TSDS. Implementations must be deterministic (the same example gives
/// the same vector) and return unit rows, because TSDS's distances and σ assume the unit sphere.
/// </summary>
public interface IEmbedder : IDisposable
{
    int Dimension { get; }

    /// <summary>A short description for the manifest and progress messages.</summary>
    string Description { get; }

    EmbeddedBatch Embed(IReadOnlyList<Example> examples, CancellationToken cancellationToken = default);
}

/// <summary>The text an embedder reads for an example: prompt and completion, or the sentence's tokens.</summary>
public static class ExampleText
{
    public static string Of(Example example) => example switch
    {
        InstructionExample i => i.Prompt + "\n" + i.Completion,
        NerExample n => string.Join(' ', n.Tokens),
        _ => throw new ArgumentException($"TSDS cannot embed {example.GetType().Name} examples."),
    };
}
