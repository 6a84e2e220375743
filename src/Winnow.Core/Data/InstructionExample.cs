namespace Winnow.Core.Data;

/// <summary>An instruction example: the model reads <see cref="Prompt"/> and is trained to produce <see cref="Completion"/>.</summary>
public sealed record InstructionExample(string Id, string Source, string Prompt, string Completion) : Example(Id, Source)
{
    public override TaskKind Kind => TaskKind.Instruction;
}
