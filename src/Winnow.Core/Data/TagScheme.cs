namespace Winnow.Core.Data;

/// <summary>How B-/I- prefixes in a NER file are to be read.</summary>
public enum TagScheme
{
    /// <summary>
    /// Decide per file from the first decisive tag: an I-X that starts an entity before any B-X did means IOB1;
    /// a B-X that starts an entity first means strict BIO. Files with bare types (no prefix) are IO.
    /// </summary>
    Auto,

    /// <summary>Strict BIO (IOB2): an I-X that does not continue an X entity is an error.</summary>
    Bio,

    /// <summary>IOB1: I-X starts entities; B-X only separates two adjacent X entities. Converted to BIO.</summary>
    Iob1,
}
