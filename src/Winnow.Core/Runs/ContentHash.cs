using System.Security.Cryptography;
using System.Text;

namespace Winnow.Core.Runs;

/// <summary>SHA-256 content hashes, as lower-case hex, for manifests and caches.</summary>
public static class ContentHash
{
    public static string OfText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Hash of a set of files or folders: every file's relative path and content, in sorted order.</summary>
    public static string OfPaths(IEnumerable<string> paths)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var root in paths.Order(StringComparer.Ordinal))
        {
            IEnumerable<string> files = Directory.Exists(root)
                ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : File.Exists(root) ? [root] : throw new FileNotFoundException($"No such file or folder: {root}", root);
            foreach (var file in files)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file) + "\0"));
                using var stream = File.OpenRead(file);
                hash.AppendData(SHA256.HashData(stream));
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
