namespace Winnow.Core.Data.Readers;

/// <summary>File access that turns missing files into <see cref="DataFormatException"/>.</summary>
internal static class DataFiles
{
    internal static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFormatException(DataErrorKind.MissingFile, path, null, "file not found", inner: e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataFormatException(DataErrorKind.MissingFile, path, null, "file cannot be read (access denied)", inner: e);
        }
    }
}
