using System.Text.Json.Serialization;
using Winnow.Core.Scoring;

namespace Winnow.Torch.Methods.Tov;

/// <summary>φ of one row for every transform, the <c>score</c> column and φ_identity per epoch.</summary>
public sealed record TovPhiValues(
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("phi_identity")] double PhiIdentity,
    [property: JsonPropertyName("phi_abs")] double PhiAbs,
    [property: JsonPropertyName("phi_positive")] double PhiPositive,
    [property: JsonPropertyName("phi_identity_epochs")] IReadOnlyList<double> PhiIdentityEpochs)
{
    public static TovPhiValues Of(ScoreRow row) => new(row.Score, row.PhiIdentity, row.PhiAbs, row.PhiPositive, row.PhiIdentityEpochs.ToArray());

    /// <summary>φ under <paramref name="transform"/>.</summary>
    public double Phi(ScoreTransform transform) => transform switch
    {
        ScoreTransform.Identity => PhiIdentity,
        ScoreTransform.Abs => PhiAbs,
        _ => PhiPositive,
    };

    /// <summary>Largest difference from <paramref name="other"/> over score, every φ and every epoch's φ (NaN on both sides counts as equal).</summary>
    public double MaxDifference(TovPhiValues other)
    {
        static double D(double a, double b) => double.IsNaN(a) && double.IsNaN(b) ? 0 : double.IsNaN(a - b) ? double.PositiveInfinity : Math.Abs(a - b);
        if (PhiIdentityEpochs.Count != other.PhiIdentityEpochs.Count) return double.PositiveInfinity;
        return new[] { D(Score, other.Score), D(PhiIdentity, other.PhiIdentity), D(PhiAbs, other.PhiAbs), D(PhiPositive, other.PhiPositive) }
            .Concat(PhiIdentityEpochs.Zip(other.PhiIdentityEpochs, D)).Max();
    }
}
