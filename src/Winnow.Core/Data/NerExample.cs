namespace Winnow.Core.Data;

/// <summary>A NER sentence: words and their BIO tags (same length).</summary>
public sealed record NerExample(string Id, string Source, IReadOnlyList<string> Tokens, IReadOnlyList<string> Tags) : Example(Id, Source)
{
    public override TaskKind Kind => TaskKind.Ner;
}
