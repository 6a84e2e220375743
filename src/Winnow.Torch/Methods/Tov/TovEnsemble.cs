using Winnow.Core.Scoring;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// φ of several fits of one pool made one (<see cref="TovFitOptions.Fits"/>; docs/tov-defaults.md, "An ensemble of
/// fits"): a fit's φ depends on its U and adapter initialisation, and averaging over fits keeps what they agree on.
/// </summary>
public static class TovEnsemble
{
    /// <summary>Score-file footer key: how many fits a score file's φ are the mean of (absent: one).</summary>
    public const string FitsKey = "winnow.tov.fits";

    /// <summary>
    /// The first fit's rows with every φ column (and the score) replaced by its mean over the fits that scored the row;
    /// the first fit's U (<see cref="ScoreRow.InBase"/>) is kept unscored, since Score+Random draws its share from it, and
    /// its per-epoch column is kept as it is (what `winnow explain` shows). The fits must have scored the same pool in
    /// the same order. Rows are changed in place and returned.
    /// </summary>
    public static List<ScoreRow> Average(IReadOnlyList<List<ScoreRow>> fits)
    {
        ArgumentNullException.ThrowIfNull(fits);
        if (fits.Count == 0) throw new ArgumentException("No fits to average.", nameof(fits));
        var first = fits[0];
        for (int f = 1; f < fits.Count; f++)
        {
            if (fits[f].Count != first.Count)
                throw new InvalidDataException($"Fit {f} scored {fits[f].Count} rows and fit 0 {first.Count}: the fits must score the same pool.");
            for (int i = 0; i < first.Count; i++)
                if (fits[f][i].Id != first[i].Id || fits[f][i].Source != first[i].Source)
                    throw new InvalidDataException($"Row {i} is {fits[f][i].Source}/{fits[f][i].Id} in fit {f} and {first[i].Source}/{first[i].Id} in fit 0: the fits must score the same pool.");
        }
        var scored = new List<ScoreRow>(fits.Count);
        for (int i = 0; i < first.Count; i++)
        {
            var row = first[i];
            if (row.InBase) continue;
            scored.Clear();
            foreach (var fit in fits)
                if (!fit[i].InBase && double.IsFinite(fit[i].PhiIdentity)) scored.Add(fit[i]);
            if (scored.Count == 0) continue;
            // Each fit's score column is its transform of φ, so the mean of the scores is the mean φ's transform column.
            double score = scored.Average(r => r.Score), identity = scored.Average(r => r.PhiIdentity);
            double abs = scored.Average(r => r.PhiAbs), positive = scored.Average(r => r.PhiPositive);
            row.Score = score;
            row.PhiIdentity = identity;
            row.PhiAbs = abs;
            row.PhiPositive = positive;
        }
        return first;
    }
}
