namespace Winnow.Torch.Modeling.Import;

/// <summary>Settings of <see cref="OnnxEncoderImporter"/>; everything it can read from the graph it reads, these override.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>Attention heads; null reads them from the reshape that splits the first query projection into heads.</summary>
    public int? NumAttentionHeads { get; init; }

    /// <summary>Lower-case before WordPiece; null decides from the vocabulary (an uncased vocabulary has no capitals).</summary>
    public bool? LowerCase { get; init; }

    /// <summary>merges.txt for a byte-level BPE (RoBERTa) vocabulary given as vocab.json.</summary>
    public string? Merges { get; init; }

    /// <summary>Replace a model folder already at the destination.</summary>
    public bool Force { get; init; }

    public void Validate()
    {
        if (NumAttentionHeads is <= 0) throw new ArgumentOutOfRangeException(nameof(NumAttentionHeads), "The number of attention heads must be positive.");
    }
}
