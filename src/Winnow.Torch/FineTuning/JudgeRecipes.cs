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
        LoraRank = 0, LearningRate = 1e-4, Epochs = 12, BatchSize = 8, FreezeEmbeddings = true,
    };

    /// <summary>
    /// The quickstart's shortened judge (it must finish in minutes on two cores): half the epochs at twice the rate.
    /// An illustration; studies use <see cref="PretrainedEncoder"/>.
    /// </summary>
    public static FineTuneOptions Quickstart { get; } = PretrainedEncoder with { Epochs = 6, LearningRate = 2e-4 };

    /// <summary>"full, lr 1e-4, 12 epochs, batch 16, word embeddings frozen".</summary>
    public static string Describe(FineTuneOptions o) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{(o.LoraRank == 0 ? "full" : $"LoRA r={o.LoraRank}")}, lr {o.LearningRate:0.#####}, {o.Epochs} epochs, batch {o.BatchSize}{(o.FreezeEmbeddings ? ", word embeddings frozen" : "")}");
}
