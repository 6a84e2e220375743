using System.Text;
using Winnow.Core.Data;

namespace Winnow.Methods.Common;

/// <summary>Model-free views of an example for the methods that need no tokenizer (random, DSIR).</summary>
public static class ExampleText
{
    /// <summary>What a text model of the data sees: prompt and completion for instructions, the sentence for NER.</summary>
    public static string Of(Example example) => example switch
    {
        InstructionExample i => i.Prompt + "\n" + i.Completion,
        NerExample n => string.Join(' ', n.Tokens),
        _ => throw new NotSupportedException($"No text view of {example.GetType().Name}."),
    };

    /// <summary>Lower-cased word tokens: maximal runs of letters or digits (punctuation is dropped, not a word).</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c)) current.Append(char.ToLowerInvariant(c));
            else Flush();
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length == 0) return;
            words.Add(current.ToString());
            current.Clear();
        }
    }

    /// <summary>The <c>length</c> column without a model: the word count.</summary>
    public static int Length(Example example) => Words(Of(example)).Count;
}
