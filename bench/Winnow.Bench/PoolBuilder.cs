namespace Winnow.Bench;

/// <summary>Builds a pool of the requested size from the sample pool's sentences, repeated cyclically under the same file names (so the label map's sections still apply) with new ids.</summary>
public static class PoolBuilder
{
    public static string Build(int size, string dir, string source)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        var files = Directory.GetFiles(source).Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Blocks: Blocks(f))).Where(f => f.Blocks.Count > 0).ToArray();
        int total = files.Sum(f => f.Blocks.Count);
        int written = 0;
        for (int i = 0; i < files.Length; i++)
        {
            // Each file keeps its share of the sample pool; the last takes the rounding remainder.
            int count = i == files.Length - 1 ? size - written : (int)Math.Round((double)size * files[i].Blocks.Count / total);
            using var writer = new StreamWriter(Path.Combine(dir, files[i].Name));
            for (int k = 0; k < count; k++)
            {
                writer.Write(files[i].Blocks[k % files[i].Blocks.Count]);
                writer.Write("\n\n");
            }
            written += count;
        }
        return dir;
    }

    public static List<string> Blocks(string file)
    {
        var blocks = new List<string>();
        var current = new List<string>();
        foreach (var line in File.ReadLines(file))
        {
            if (line.Trim().Length == 0 || line.StartsWith("-DOCSTART-", StringComparison.Ordinal))
            {
                if (current.Count > 0) blocks.Add(string.Join('\n', current));
                current.Clear();
            }
            else current.Add(line);
        }
        if (current.Count > 0) blocks.Add(string.Join('\n', current));
        return blocks;
    }
}
