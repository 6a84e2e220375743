namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// Where a TSDS run keeps its files beside its manifest (which only <see cref="Core.Runs.RunFolder"/> reads and writes):
/// <code>
/// RUN/manifest.json     the run's manifest; TSDS's state: the embedder and the target embeddings' size
/// RUN/target.emb        target embeddings (m × d; see <see cref="EmbeddingFileWriter"/>), written by fit
/// RUN/pool.emb          pool embeddings (N × d), written by score
/// </code>
/// </summary>
public sealed record TsdsRunLayout(string Root)
{
    /// <summary>What a run writes: what --force removes.</summary>
    public static IReadOnlyList<string> Files { get; } = [Core.Runs.RunFolder.ManifestFileName, "target.emb", "pool.emb"];

    public Core.Runs.RunFolder Folder => new(Root);
    public string TargetEmbeddings => Path.Combine(Root, "target.emb");
    public string PoolEmbeddings => Path.Combine(Root, "pool.emb");
}
