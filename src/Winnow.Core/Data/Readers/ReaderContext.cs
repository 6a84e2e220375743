namespace Winnow.Core.Data.Readers;

/// <summary>What a format reader needs to know about the file it reads.</summary>
internal sealed record ReaderContext(string File, string Source, ReadOptions Options)
{
    internal Ner.TagNormalizer Tags { get; } = new(File, Options.TagScheme);
}
