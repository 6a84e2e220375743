using System.Security.Cryptography;
using System.Text;

namespace Winnow.Core.Data;

/// <summary>
/// Stable example ids. An example keeps the id its data gives it; otherwise its id is the first 16 hex digits of
/// SHA-256 over its kind and content (for NER: tokens and BIO tags before any label mapping, so changing the label map
/// does not change ids). The same content therefore gets the same id on every run and machine.
/// </summary>
public static class ExampleIds
{
    // Unit and record separators cannot occur in sensible text, so field boundaries stay unambiguous.
    private const char FieldSeparator = '\u001f';
    private const char GroupSeparator = '\u001e';

    /// <summary>The content hash id of an instruction example.</summary>
    public static string ForInstruction(string prompt, string completion) =>
        Hash($"instruction{GroupSeparator}{prompt}{GroupSeparator}{completion}");

    /// <summary>The content hash id of a NER sentence.</summary>
    public static string ForNer(IReadOnlyList<string> tokens, IReadOnlyList<string> tags) =>
        Hash($"ner{GroupSeparator}{string.Join(FieldSeparator, tokens)}{GroupSeparator}{string.Join(FieldSeparator, tags)}");

    private static string Hash(string content)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(content), digest);
        return Convert.ToHexStringLower(digest[..8]);
    }
}
