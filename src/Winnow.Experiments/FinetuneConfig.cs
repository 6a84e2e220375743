namespace Winnow.Experiments;

public sealed record FinetuneConfig
{
    public int LoraRank { get; init; }
    public double Lr { get; init; } = 5e-4;
    public int Epochs { get; init; } = 3;
    public int BatchSize { get; init; } = 16;
    public int MaxLength { get; init; } = 128;

    /// <summary>Keep the word embeddings fixed while fine-tuning.</summary>
    public bool FreezeEmbeddings { get; init; }

    /// <summary>End each fine-tune with the weights of its best epoch on the study's validation slice.</summary>
    public bool SelectEpoch { get; init; }

    public void Validate(string file)
    {
        if (LoraRank < 0 || Lr <= 0 || Epochs <= 0 || BatchSize <= 0 || MaxLength < 8)
            throw new ArgumentException($"{file}: finetune needs lora_rank ≥ 0, lr > 0, epochs > 0, batch_size > 0, max_length ≥ 8.");
    }
}
