using Winnow.Core.Data;

namespace Winnow.Torch.Methods.Tsds;

/// <summary>The text an embedder reads for an example: prompt and completion, or the sentence's tokens.</summary>
public static class ExampleText
{
    public static string Of(Example example) => example switch
    {
        InstructionExample i => i.Prompt + "\n" + i.Completion,
        NerExample n => string.Join(' ', n.Tokens),
        _ => throw new ArgumentException($"TSDS cannot embed {example.GetType().Name} examples."),
    };
}
