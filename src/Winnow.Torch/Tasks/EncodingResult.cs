namespace Winnow.Torch.Tasks;

/// <summary>
/// What encoding one example gave: the encoded example, or the reason it was skipped (never an example with nothing to
/// predict). <see cref="Dropped"/> counts what truncation removed (tokens for text tasks, words for NER).
/// </summary>
public sealed record EncodingResult(string Id, EncodedExample? Example, string? SkipReason, int Dropped)
{
    public bool IsEncoded => Example is not null;

    public static EncodingResult Ok(EncodedExample example, int dropped = 0) => new(example.Id, example, null, dropped);

    public static EncodingResult Skipped(string id, string reason, int dropped = 0) => new(id, null, reason, dropped);
}
