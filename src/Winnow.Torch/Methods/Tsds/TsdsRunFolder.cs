using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.Data;
using Winnow.Core.IO;

namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// The layout of a TSDS run folder:
/// <code>
/// RUN/manifest.json     inputs' hashes, options, embedder
/// RUN/target.emb        target embeddings (m × d; see <see cref="EmbeddingFileWriter"/>), written by fit
/// RUN/pool.emb          pool embeddings (N × d), written by score
/// </code>
/// </summary>
public sealed record TsdsRunFolder(string Root)
{
    public string Manifest => Path.Combine(Root, Core.Runs.ManifestFile.FileName);
    public string TargetEmbeddings => Path.Combine(Root, "target.emb");
    public string PoolEmbeddings => Path.Combine(Root, "pool.emb");

    public bool HasManifest => File.Exists(Manifest);

    /// <summary>Removes what a run writes (never the whole folder: it may hold other things too).</summary>
    public void Clear()
    {
        foreach (var file in new[] { Manifest, TargetEmbeddings, PoolEmbeddings }) File.Delete(file);
    }
}
