using System.Globalization;

namespace Winnow.Torch.FineTuning;

/// <summary>
/// The fine-tuning recipes selections are judged by. The one for pretrained encoders was chosen on a dev study
/// (experiments/dev, bench/results/recipe-2026-11-30; docs/pretrained-models.md, "Judge recipe").
/// </summary>
public static class JudgeRecipes
{
    /// <summary>Full fine-tuning of a pretrained encoder (minilm-l6, arctic-xs) for token classification.</summary>
    public static FineTuneOptions PretrainedEncoder { get; } = new()
    {
        LoraRank = 0, LearningRate = 1e-4, Epochs = 5, BatchSize = 16, FreezeEmbeddings = true,
    };

    /// <summary>"full, lr 1e-4, 5 epochs, batch 16, word embeddings frozen".</summary>
    public static string Describe(FineTuneOptions o) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{(o.LoraRank == 0 ? "full" : $"LoRA r={o.LoraRank}")}, lr {o.LearningRate:0.#####}, {o.Epochs} epochs, batch {o.BatchSize}{(o.FreezeEmbeddings ? ", word embeddings frozen" : "")}");
}
