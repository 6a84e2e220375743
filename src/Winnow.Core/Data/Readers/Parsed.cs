namespace Winnow.Core.Data.Readers;

/// <summary>One reader result: an example (with a base id, made unique later) or the error that spoiled it.</summary>
internal readonly record struct Parsed(Example? Example, DataFormatException? Error)
{
    internal static Parsed Ok(Example example) => new(example, null);

    internal static Parsed Fail(DataFormatException error) => new(null, error);
}
