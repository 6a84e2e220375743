namespace Winnow.Torch.Modeling.Catalog;

/// <summary>Where built-in models are materialised, and where pre-training presets find their text.</summary>
/// <param name="CacheDirectory">The model cache (<c>$WINNOW_CACHE/models</c>).</param>
/// <param name="SharedData">The shared data folder, for the pre-training presets' default corpus.</param>
public sealed record ModelCatalogContext(string CacheDirectory, string SharedData)
{
    public IProgress<string>? Log { get; init; }

    /// <summary>Pre-training corpus when the shared data is missing (e.g. the bundled pool).</summary>
    public IReadOnlyList<string> FallbackCorpus { get; init; } = [];
}
