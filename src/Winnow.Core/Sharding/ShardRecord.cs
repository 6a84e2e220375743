using System.Text.Json.Serialization;

namespace Winnow.Core.Sharding;

/// <summary>
/// The completion record a shard writes beside its score file once the file is complete: without it (or with a
/// record that does not match the file) the shard counts as missing.
/// </summary>
public sealed record ShardRecord(
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("manifest_hash")] string ManifestHash,
    [property: JsonPropertyName("file")] string File);
