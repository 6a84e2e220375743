using System.Text.Json.Serialization;
using Winnow.Core.Sharding;

namespace Winnow.Core.Scoring;

/// <summary>
/// Everything that decides a score file's content: a resumed run must match all of it, or its finished parts would be
/// mixed with rows computed from other inputs. <see cref="Options"/> holds the score-time settings as text.
/// </summary>
public sealed record ScoreJob(
    [property: JsonPropertyName("output")] string OutputPath,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("pool_hash")] string PoolHash,
    [property: JsonPropertyName("shard")] string ShardText,
    [property: JsonPropertyName("chunk_size")] int ChunkSize,
    [property: JsonPropertyName("options")] string Options)
{
    [JsonIgnore] public Shard Shard => Shard.Parse(ShardText, _ => null);

    public static ScoreJob Of(string outputPath, string method, string fingerprint, string poolHash, Shard shard, int chunkSize, string options = "") =>
        new(Path.GetFullPath(outputPath), method, fingerprint, poolHash, shard.ToString(), chunkSize, options);
}
