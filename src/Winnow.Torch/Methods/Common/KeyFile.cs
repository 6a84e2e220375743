using Winnow.Core.IO;

namespace Winnow.Torch.Methods.Common;

/// <summary>
/// A set of pool examples on disk (ToV's and the uncertainty baseline's base set U, LESS's warm-up set): one
/// "source TAB id" line per example, written atomically.
/// </summary>
public static class KeyFile
{
    /// <summary>The keys as <see cref="PoolExamples.Key"/> gives them.</summary>
    public static HashSet<string> ReadKeys(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l =>
        {
            int tab = l.IndexOf('\t');
            return tab < 0 ? throw new InvalidDataException($"{path}: line without a tab") : PoolExamples.Key(l[..tab], l[(tab + 1)..]);
        }).ToHashSet(StringComparer.Ordinal);

    /// <summary>Writes <see cref="PoolExamples.Key"/> keys, sorted, so the file does not depend on the set's order.</summary>
    public static void WriteKeys(string path, IEnumerable<string> keys) =>
        AtomicFile.WriteText(path, w =>
        {
            foreach (var key in keys.Order(StringComparer.Ordinal)) w.Write(key.Replace('\0', '\t') + "\n");
        });
}
