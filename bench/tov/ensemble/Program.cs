// Averages the φ of ToV score files written by fits of one pool with different seeds (a diagnostic for
// docs/tov-defaults.md, "An ensemble of fits"): usage  ensemble OUT PRIMARY OTHER...
// The primary's rows, order, U (in_base) and footer are kept, so its fit's selection (Score+Random's share from U)
// stays as it was; a row outside the primary's U gets every φ column averaged over the fits that scored it (a fit
// leaves its own U unscored). The per-epoch column is the primary's. Written to a temp file, then renamed.
using Winnow.Core.Scoring;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: ensemble OUT PRIMARY OTHER...");
    return 2;
}
string output = args[0];
var primary = ScoreFile.Read(args[1]);
var metadata = ScoreFile.ReadMetadata(args[1]);
var others = args.Skip(2).Select(p => (Path: p, Rows: ScoreFile.Read(p))).ToList();
foreach (var (path, rows) in others)
{
    if (rows.Count != primary.Count) throw new InvalidDataException($"{path}: {rows.Count} rows, the primary {args[1]} has {primary.Count}.");
    for (int i = 0; i < rows.Count; i++)
        if (rows[i].Id != primary[i].Id || rows[i].Source != primary[i].Source)
            throw new InvalidDataException($"{path}: row {i} is {rows[i].Source}/{rows[i].Id}, the primary's is {primary[i].Source}/{primary[i].Id}; score the same pool.");
}
int filled = 0, averaged = 0;
for (int i = 0; i < primary.Count; i++)
{
    var row = primary[i];
    if (row.InBase) continue;
    var scored = new[] { row }.Concat(others.Select(o => o.Rows[i])).Where(r => !r.InBase && double.IsFinite(r.PhiIdentity)).ToList();
    if (scored.Count == 0) continue;
    if (!double.IsFinite(row.PhiIdentity)) filled++;
    if (scored.Count > 1) averaged++;
    double score = scored.Average(r => r.Score), identity = scored.Average(r => r.PhiIdentity);
    row.Score = score;
    row.PhiIdentity = identity;
    row.PhiAbs = scored.Average(r => r.PhiAbs);
    row.PhiPositive = scored.Average(r => r.PhiPositive);
}
var footer = new Dictionary<string, string>(metadata) { ["winnow.tov.ensemble"] = string.Join(";", args.Skip(1).Select(Path.GetFileName)) };
string temp = output + ".tmp";
ScoreFile.Write(temp, primary, footer);
File.Move(temp, output, overwrite: true);
Console.WriteLine($"{output}: {primary.Count} rows, {averaged} averaged over 2+ fits, {filled} scored only by another fit (in the primary's U: {primary.Count(r => r.InBase)})");
return 0;
