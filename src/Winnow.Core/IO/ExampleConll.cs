using Winnow.Core.Data;

namespace Winnow.Core.IO;

/// <summary>
/// CoNLL output for NER examples: a "# id = ID" comment line, then "token TAB tag" lines, a blank line after each
/// sentence. <see cref="DatasetReader"/> reads the ids back from the comments.
/// </summary>
public static class ExampleConll
{
    /// <summary>Writes NER <paramref name="examples"/> (streamed) to <paramref name="path"/>, atomically.</summary>
    /// <returns>The number of sentences written.</returns>
    public static long Write(string path, IEnumerable<NerExample> examples)
    {
        long written = 0;
        AtomicFile.WriteText(path, writer =>
        {
            foreach (var example in examples)
            {
                writer.Write("# id = ");
                writer.WriteLine(example.Id);
                for (var i = 0; i < example.Tokens.Count; i++)
                {
                    writer.Write(CheckToken(example.Tokens[i], example.Id));
                    writer.Write('\t');
                    writer.WriteLine(example.Tags[i]);
                }

                writer.WriteLine();
                written++;
            }
        });
        return written;
    }

    // A token with whitespace would split into extra columns and come back as a different sentence.
    private static string CheckToken(string token, string id) =>
        token.Length > 0 && !token.Any(char.IsWhiteSpace) ? token
            : throw new ArgumentException($"example '{id}': token '{token}' is empty or holds whitespace, which CoNLL cannot represent");
}
