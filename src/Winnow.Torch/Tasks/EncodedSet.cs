using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tokenization;

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
