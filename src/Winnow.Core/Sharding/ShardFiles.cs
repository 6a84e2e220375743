using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Winnow.Core.IO;

namespace Winnow.Core.Sharding;

/// <summary>Names and writes shard files in a shard folder: <c>scores-0003-of-0008.parquet</c> + <c>.json</c>.</summary>
public static class ShardFiles
{
    public static string ScoresName(Shard shard) =>
        string.Create(CultureInfo.InvariantCulture, $"scores-{shard.Index:D4}-of-{shard.Count:D4}.parquet");

    public static string RecordPath(string scoresPath) => Path.ChangeExtension(scoresPath, ".json");

    /// <summary>Writes the completion record for a finished shard file (after the file itself was renamed into place).</summary>
    public static ShardRecord Complete(string scoresPath, Shard shard, long rows, string manifestHash)
    {
        var record = new ShardRecord(shard.Index, shard.Count, rows, Sha256(scoresPath), manifestHash, Path.GetFileName(scoresPath));
        AtomicFile.WriteText(RecordPath(scoresPath), w => w.Write(JsonSerializer.Serialize(record)));
        return record;
    }

    public static ShardRecord? TryReadRecord(string recordPath)
    {
        try
        {
            return JsonSerializer.Deserialize<ShardRecord>(File.ReadAllText(recordPath));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
