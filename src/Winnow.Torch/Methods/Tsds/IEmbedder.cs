using Winnow.Core.Data;

namespace Winnow.Torch.Methods.Tsds;

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
