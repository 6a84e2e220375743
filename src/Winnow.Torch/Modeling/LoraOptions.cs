namespace Winnow.Torch.Modeling;

/// <summary>LoRA hyper-parameters (paper: rank 256 for language models, 1 for NER; alpha 32, dropout 0.2).</summary>
public sealed record LoraOptions
{
    public int Rank { get; init; } = 8;

    public double Alpha { get; init; } = 32;

    /// <summary>Dropout on the input of the adapter path only; the frozen base path sees the input unchanged.</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>Module-name suffixes to adapt; null means the family's attention projections (plus MLP when <see cref="IncludeMlp"/>).</summary>
    public IReadOnlyList<string>? TargetModules { get; init; }

    public bool IncludeMlp { get; init; }

    /// <summary>Seeds the A matrices' initialisation.</summary>
    public long Seed { get; init; }

    public double Scaling => Alpha / Rank;

    public void Validate()
    {
        if (Rank <= 0) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "LoRA rank must be positive.");
        if (Alpha <= 0) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "LoRA alpha must be positive.");
        if (Dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "LoRA dropout must be in [0, 1).");
        if (TargetModules is { Count: 0 }) throw new ArgumentException("TargetModules, when given, must name at least one module.", nameof(TargetModules));
    }

    public IReadOnlyList<string> TargetsFor(ModelFamily family)
    {
        if (TargetModules is not null) return TargetModules;
        bool llama = family == ModelFamily.CausalLm;
        IEnumerable<string> attention = llama ? ["q_proj", "k_proj", "v_proj", "o_proj"] : ["query", "key", "value", "attention.output.dense"];
        IEnumerable<string> mlp = llama ? ["gate_proj", "up_proj", "down_proj"] : ["intermediate.dense", "output.dense"];
        return (IncludeMlp ? attention.Concat(mlp) : attention).ToArray();
    }
}
