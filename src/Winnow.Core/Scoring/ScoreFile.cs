using Winnow.Core.IO;

namespace Winnow.Core.Scoring;

/// <summary>Reads and writes score files: Parquet rows of <see cref="ScoreRow"/>, the schema name in the footer.</summary>
public static class ScoreFile
{
    public const string SchemaKey = "winnow.schema";

    /// <summary>The score file's name where Winnow chooses it: beside a run (select --method, studies) and merged shards.</summary>
    public const string DefaultFileName = "scores.parquet";

    /// <summary>Footer key naming the method that wrote the file (so <c>winnow select</c> knows its default strategy).</summary>
    public const string MethodKey = "winnow.method";

    /// <summary>Footer keys of non-ToV methods: the run's fingerprint and the scored pool's hash (for reuse checks).</summary>
    public const string FingerprintKey = "winnow.fingerprint";
    public const string PoolHashKey = "winnow.pool_hash";

    /// <summary>
    /// Footer keys with the target's lengths as the scorer encoded it (comma-separated, one per target row): all tokens a
    /// row reads, and its predicted tokens. Selection with <see cref="Selection.BinWeights.Target"/> reads them.
    /// </summary>
    public const string TargetLengthsKey = "winnow.target_lengths";
    public const string TargetPredictedKey = "winnow.target_predicted";

    /// <summary>
    /// Footer key with the fit's <see cref="Selection.PoolKinship.NearerShare"/> (invariant culture), or
    /// <see cref="PoolKinshipUnmeasured"/> where the fit did not measure it; <see cref="Selection.BinWeights.Auto"/> reads it.
    /// </summary>
    public const string PoolNearerShareKey = "winnow.pool_nearer_share";
    public const string PoolKinshipUnmeasured = "unmeasured";

    /// <summary>
    /// Footer key listing the target's nearest pool rows (<see cref="Selection.PoolKinship.NearestRows"/>: pool row
    /// numbers, comma-separated, k a target row); <see cref="Selection.BinWeights.Neighbours"/> weights the bins by their lengths.
    /// </summary>
    public const string TargetNeighboursKey = "winnow.target_neighbours";

    /// <summary>The target's nearest pool rows from the footer; null when the file has none, refused naming the file when malformed.</summary>
    public static long[]? TargetNeighbours(string path) => TargetNeighbours(path, ReadMetadata(path));

    /// <summary>As <see cref="TargetNeighbours(string)"/>, from a footer already read (<paramref name="path"/> names it in errors).</summary>
    public static long[]? TargetNeighbours(string path, IReadOnlyDictionary<string, string> footer) =>
        FooterList<long>(path, footer, TargetNeighboursKey, "pool row numbers");

    /// <summary>Formats pool row numbers for <see cref="TargetNeighboursKey"/>.</summary>
    public static string FormatRows(IEnumerable<long> rows) => FormatList(rows);

    /// <summary>
    /// The score file's pool-kinship share from its footer: the share, <see cref="double.NaN"/> where the fit recorded it
    /// as unmeasured, null where the file has no such key; refused naming the file when the value is malformed.
    /// </summary>
    public static double? PoolNearerShare(string path) => PoolNearerShare(path, ReadMetadata(path));

    /// <summary>As <see cref="PoolNearerShare(string)"/>, from a footer already read (<paramref name="path"/> names it in errors).</summary>
    public static double? PoolNearerShare(string path, IReadOnlyDictionary<string, string> footer)
    {
        if (!footer.TryGetValue(PoolNearerShareKey, out var text) || string.IsNullOrWhiteSpace(text)) return null;
        if (text.Trim() == PoolKinshipUnmeasured) return double.NaN;
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var share)
            || !(share >= 0 && share <= 1))
            throw new InvalidDataException($"{path}: the footer's {PoolNearerShareKey} must be a share between 0 and 1 or '{PoolKinshipUnmeasured}'; it is '{text}'.");
        return share;
    }

    /// <summary>Formats lengths for <see cref="TargetLengthsKey"/> / <see cref="TargetPredictedKey"/>.</summary>
    public static string FormatLengths(IEnumerable<int> lengths) => FormatList(lengths);

    /// <summary>A footer's list of non-negative integers: comma-separated, invariant culture.</summary>
    private static string FormatList<T>(IEnumerable<T> values) where T : System.Numerics.IBinaryInteger<T> =>
        string.Join(',', values.Select(v => v.ToString(null, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>
    /// Reads a footer's comma-separated list of non-negative integers (<see cref="FormatList"/>); null when the file has
    /// none, refused naming the file, the key and the item when the list is malformed.
    /// </summary>
    private static T[]? FooterList<T>(string path, IReadOnlyDictionary<string, string> footer, string key, string what) where T : System.Numerics.IBinaryInteger<T>
    {
        if (!footer.TryGetValue(key, out var text) || string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',');
        var values = new T[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!T.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[i]!))
                throw new InvalidDataException($"{path}: the footer's {key} must be comma-separated {what}; item {i + 1} is '{parts[i]}'.");
        return values;
    }

    /// <summary>
    /// Reads a score file's target lengths for the bins' length (predicted or all tokens) from its footer; null when the
    /// file has none, refused naming the file, the key and the item when the list is malformed.
    /// </summary>
    public static int[]? TargetLengths(string path, Selection.BinLength by) => TargetLengths(path, ReadMetadata(path), by);

    /// <summary>As <see cref="TargetLengths(string, Selection.BinLength)"/>, from a footer already read (<paramref name="path"/> names it in errors).</summary>
    public static int[]? TargetLengths(string path, IReadOnlyDictionary<string, string> footer, Selection.BinLength by) =>
        FooterList<int>(path, footer, by == Selection.BinLength.Predicted ? TargetPredictedKey : TargetLengthsKey, "token counts");

    /// <summary>The score columns a selection can rank by.</summary>
    public static readonly string[] Columns = ["score", "phi_identity", "phi_abs", "phi_positive"];

    /// <summary>Writes <paramref name="rows"/> as they come (lazily: one row group in memory at a time).</summary>
    public static long Write(string path, IEnumerable<ScoreRow> rows, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        Write<ScoreRow>(path, rows, metadata, cancellationToken);

    /// <summary>Writes a method's own row type: the base columns plus its extra ones (see <see cref="ScoreRow"/>).</summary>
    public static long Write<TRow>(string path, IEnumerable<TRow> rows, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
        where TRow : ScoreRow, new()
    {
        var footer = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { [SchemaKey] = ScoreRow.Schema };
        return ParquetRows.WriteAsync(path, rows, rowGroupSize: 4096, metadata: footer, cancellationToken: cancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>Every row, in file order; refuses a Parquet file that is not a score file.</summary>
    public static List<ScoreRow> Read(string path) => Read<ScoreRow>(path);

    /// <summary>Every row as <typeparamref name="TRow"/>: a method reads its own extra columns back this way.</summary>
    public static List<TRow> Read<TRow>(string path) where TRow : ScoreRow, new()
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Score file not found: {path}", path);
        var metadata = ReadMetadata(path);
        if (!metadata.TryGetValue(SchemaKey, out var schema) || schema != ScoreRow.Schema)
            throw new InvalidDataException($"{path} is not a Winnow score file (schema '{schema ?? "none"}', expected '{ScoreRow.Schema}').");
        return ParquetRows.ReadAsync<TRow>(path).ToBlockingEnumerable().ToList();
    }

    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) =>
        ParquetRows.ReadMetadataAsync(path).GetAwaiter().GetResult();

    /// <summary>The value of <paramref name="column"/> (one of <see cref="Columns"/>) in <paramref name="row"/>.</summary>
    public static double Value(ScoreRow row, string column) => column switch
    {
        "score" => row.Score,
        "phi_identity" => row.PhiIdentity,
        "phi_abs" => row.PhiAbs,
        "phi_positive" => row.PhiPositive,
        _ => throw new ArgumentException($"Unknown score column '{column}': expected one of {string.Join(", ", Columns)}."),
    };
}
