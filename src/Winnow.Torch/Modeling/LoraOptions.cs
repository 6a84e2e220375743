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

    /// <summary>
    /// Indices of the transformer blocks whose targets are adapted (PEFT's <c>layers_to_transform</c>); null adapts
    /// every block. A block is found by the <c>layer.N.</c> / <c>layers.N.</c> segment of a module's name. Adapting
    /// only the top blocks leaves the lower ones the base model's, so scoring several adapter states can run them once.
    /// </summary>
    public IReadOnlyList<int>? LayersToTransform { get; init; }

    /// <summary>Seeds the A matrices' initialisation.</summary>
    public long Seed { get; init; }

    public double Scaling => Alpha / Rank;

    public void Validate()
    {
        if (Rank <= 0) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "LoRA rank must be positive.");
        if (Alpha <= 0) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "LoRA alpha must be positive.");
        if (Dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "LoRA dropout must be in [0, 1).");
        if (TargetModules is { Count: 0 }) throw new ArgumentException("TargetModules, when given, must name at least one module.", nameof(TargetModules));
        if (LayersToTransform is { Count: 0 }) throw new ArgumentException("LayersToTransform, when given, must name at least one layer.", nameof(LayersToTransform));
        if (LayersToTransform?.FirstOrDefault(i => i < 0) is < 0 and var bad) throw new ArgumentOutOfRangeException(nameof(LayersToTransform), bad, "Layer indices must be >= 0.");
    }

    /// <summary>The top <paramref name="count"/> of <paramref name="layerCount"/> blocks, as <see cref="LayersToTransform"/> takes them.</summary>
    public static IReadOnlyList<int> TopLayers(int count, int layerCount)
    {
        if (count < 1 || count > layerCount)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The number of top layers to adapt must be between 1 and the model's {layerCount} layers.");
        return Enumerable.Range(layerCount - count, count).ToArray();
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
