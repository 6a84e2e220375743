namespace Winnow.Core.Data;

/// <summary>The two task families Winnow selects data for.</summary>
public enum TaskKind
{
    /// <summary>Instruction tuning with a causal LM: loss on the completion tokens only.</summary>
    Instruction,

    /// <summary>Named-entity recognition with an encoder: one label prediction per word.</summary>
    Ner,
}
