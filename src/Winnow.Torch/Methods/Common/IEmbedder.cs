using Winnow.Core.Data;

namespace Winnow.Torch.Methods.Common;

/// <summary>
/// Turns examples into L2-normalised vectors: TSDS's embeddings, and ToV's pool-kinship test's (the model one).
/// Implementations must be deterministic (the same example gives the same vector) and return unit rows, because TSDS's
/// distances and σ and the kinship test's cosines assume the unit sphere.
/// </summary>
public interface IEmbedder : IDisposable
{
    int Dimension { get; }

    /// <summary>A short description for the manifest and progress messages.</summary>
    string Description { get; }

    EmbeddedBatch Embed(IReadOnlyList<Example> examples, CancellationToken cancellationToken = default);
}
