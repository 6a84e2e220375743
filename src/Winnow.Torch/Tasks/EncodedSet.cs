using Winnow.Core.Data;

namespace Winnow.Torch.Tasks;

/// <summary>Examples encoded for one model, with what could not be encoded and why.</summary>
public sealed record EncodedSet(
    IReadOnlyList<EncodedExample> Encoded,
    IReadOnlyList<Example> Examples,
    IReadOnlyList<(string Id, string Reason)> Skipped,
    int TagsMappedToOutside)
{
    public int Count => Encoded.Count;
}
