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
    /// LoRA fine-tuning of a causal LM on instruction data (lm-base), chosen on the instruction dev study
    /// (experiments/dev/instruct-recipe-*.yaml, bench/results/recipe-instruct-2026-12-01; docs/base-models.md).
    /// </summary>
    public static FineTuneOptions Instruction { get; } = new()
    {
        LoraRank = 16, LearningRate = 2e-3, Epochs = 8, BatchSize = 16,
    };

    /// <summary>The recipe selections for <paramref name="kind"/> are judged by, with the best epoch kept on validation.</summary>
    public static FineTuneOptions For(Core.Data.TaskKind kind) =>
        (kind == Core.Data.TaskKind.Ner ? PretrainedEncoder : Instruction) with { SelectEpoch = true };

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
