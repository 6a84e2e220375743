using System.Text.Json.Serialization;

namespace Winnow.Core.Scoring;

/// <summary>
/// One row of a score file (Parquet, schema <see cref="Schema"/>): which pool example, how long, and its scores. Every
/// method writes <see cref="Score"/> (higher = more useful, NaN = not scored); ToV also writes φ per transform and per
/// epoch. Rows are keyed by (<see cref="Source"/>, <see cref="Id"/>): ids are unique within a source.
/// <para>
/// Method-specific columns: a method that needs more than these derives its own row type from this class and writes
/// it with <see cref="ScoreFile.Write{TRow}"/>. Parquet.Net serialises the derived type's extra properties as extra
/// columns and reads a base <see cref="ScoreRow"/> back from such a file by column name, so
/// <see cref="Selection.SubsetSelector"/> selects from any method's file (tested in ScoreFileTests). The base columns stay the
/// shared schema; methods that write only a score (random, uncertainty, DSIR) use this class as it is. Without a
/// model (random, DSIR) <see cref="Length"/> counts words, not tokens, and <see cref="Predicted"/> is 0.
/// </para>
/// </summary>
public class ScoreRow
{
    public const string Schema = "winnow.scores.v1";

    /// <summary>Position of the example in the pool stream, so a subset can be read back in one pass.</summary>
    [JsonPropertyName("row")] public long Row { get; set; }

    [JsonPropertyName("id")] public string Id { get; set; } = "";

    [JsonPropertyName("source")] public string Source { get; set; } = "";

    /// <summary>Tokens the model reads for this example (for length binning).</summary>
    [JsonPropertyName("length")] public int Length { get; set; }

    /// <summary>Predicted tokens (what the loss averages over).</summary>
    [JsonPropertyName("predicted")] public int Predicted { get; set; }

    /// <summary>In ToV's random base set U (trained on during fit, so not scored, but drawn from by Score+Random).</summary>
    [JsonPropertyName("in_base")] public bool InBase { get; set; }

    /// <summary>The method's main score (for ToV: φ under the transform chosen at fit time, identity by default).</summary>
    [JsonPropertyName("score")] public double Score { get; set; } = double.NaN;

    [JsonPropertyName("phi_identity")] public double PhiIdentity { get; set; } = double.NaN;

    [JsonPropertyName("phi_abs")] public double PhiAbs { get; set; } = double.NaN;

    [JsonPropertyName("phi_positive")] public double PhiPositive { get; set; } = double.NaN;

    /// <summary>φ_k (identity) for each epoch k, so per-epoch behaviour can be studied.</summary>
    [JsonPropertyName("phi_identity_epochs")] public List<double> PhiIdentityEpochs { get; set; } = [];
}
