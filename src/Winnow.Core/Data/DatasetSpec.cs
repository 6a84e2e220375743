namespace Winnow.Core.Data;

/// <summary>
/// A pool, target or test set given as several files and folders. Folders are expanded recursively to their data
/// files (see <see cref="FormatDetector.IsDataFileName"/>), sorted by ordinal relative path, so the order is the same on
/// every machine. A file reached twice is read once.
/// <para>
/// Source rule: a file named directly gets "parent-folder/file-stem" (<c>data/crossner/music/train.txt</c> →
/// <c>music/train</c>); a file found under a named folder gets "folder-name/relative-path-without-extension"
/// (naming <c>data/crossner</c> gives <c>crossner/music/train</c>). An explicit source name replaces the file's tag, or
/// the folder-name part for a folder (<c>name/music/train</c>). Separators are always '/'.
/// </para>
/// </summary>
public sealed class DatasetSpec
{
    private DatasetSpec(IReadOnlyList<DataFile> files) => Files = files;

    /// <summary>The files to read, in reading order.</summary>
    public IReadOnlyList<DataFile> Files { get; }

    /// <summary>Expands files and folders. Missing paths and folders without data files are <see cref="DataFormatException"/>s.</summary>
    public static DatasetSpec FromPaths(IEnumerable<string> paths) => FromEntries(paths.Select(p => (p, (string?)null)));

    /// <summary>Expands files and folders, each with an optional explicit source name.</summary>
    public static DatasetSpec FromEntries(IEnumerable<(string Path, string? SourceName)> entries)
    {
        var files = new List<DataFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, name) in entries)
        {
            foreach (var file in Expand(path, name))
            {
                if (seen.Add(Path.GetFullPath(file.Path)))
                    files.Add(file);
            }
        }

        if (files.Count == 0)
            throw new DataFormatException(DataErrorKind.MissingFile, null, null, "no data files given");
        return new DatasetSpec(files);
    }

    private static IEnumerable<DataFile> Expand(string path, string? name)
    {
        if (File.Exists(path))
            return [new DataFile(path, name ?? FileSource(path))];
        if (!Directory.Exists(path))
            throw new DataFormatException(DataErrorKind.MissingFile, path, null, "no such file or folder");

        var folderName = name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(path, f).Replace('\\', '/')))
            .Where(f => FormatDetector.IsDataFileName(f.Full) && !f.Relative.Split('/').Any(part => part.StartsWith('.')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .Select(f => new DataFile(f.Full, Join(folderName, StripExtension(f.Relative))))
            .ToList();
        if (files.Count == 0)
            throw new DataFormatException(DataErrorKind.EmptyFile, path, null, "folder holds no data files");
        return files;
    }

    private static string FileSource(string path)
    {
        var parent = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)));
        // train.jsonl.gz's source is train, as train.jsonl's is: compression does not change what the rows are.
        return Join(parent, Path.GetFileNameWithoutExtension(Readers.DataFiles.WithoutGzip(path)));
    }

    private static string Join(string? folder, string rest) => string.IsNullOrEmpty(folder) ? rest : folder + "/" + rest;

    private static string StripExtension(string relative)
    {
        relative = Readers.DataFiles.WithoutGzip(relative);
        var slash = relative.LastIndexOf('/');
        var dot = relative.LastIndexOf('.');
        return dot > slash + 1 ? relative[..dot] : relative;
    }
}
