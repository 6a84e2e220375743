namespace Winnow.Core.Data;

/// <summary>The two task families Winnow selects data for.</summary>
public enum TaskKind
{
    /// <summary>Instruction tuning with a causal LM: loss on the completion tokens only.</summary>
    Instruction,

    /// <summary>Named-entity recognition with an encoder: one label prediction per word.</summary>
    Ner,
}

/// <summary>
/// One training, target or pool example. <see cref="Id"/> is stable (given by the data, or a hash of the content) and
/// <see cref="Source"/> names the file or folder it came from; both travel through scoring and selection.
/// </summary>
public abstract record Example(string Id, string Source)
{
    public abstract TaskKind Kind { get; }
}

/// <summary>An instruction example: the model reads <see cref="Prompt"/> and is trained to produce <see cref="Completion"/>.</summary>
public sealed record InstructionExample(string Id, string Source, string Prompt, string Completion) : Example(Id, Source)
{
    public override TaskKind Kind => TaskKind.Instruction;
}

/// <summary>A NER sentence: words and their BIO tags (same length).</summary>
public sealed record NerExample(string Id, string Source, IReadOnlyList<string> Tokens, IReadOnlyList<string> Tags) : Example(Id, Source)
{
    public override TaskKind Kind => TaskKind.Ner;
}
