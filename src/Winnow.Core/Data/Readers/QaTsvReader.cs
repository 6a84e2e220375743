namespace Winnow.Core.Data.Readers;

/// <summary>
/// FLAN chain-of-thought TSV: three tab-separated cells per line (question, answer, rationale), no header, with "\n"
/// written as the two characters backslash-n (only that escape is decoded). Prompt = question; completion =
/// rationale + " So the answer is " + answer (just "So the answer is " + answer when the rationale is empty).
/// </summary>
internal static class QaTsvReader
{
    internal static IEnumerable<Parsed> Read(ReaderContext context)
    {
        foreach (var (number, text) in TextLines.Read(context.File))
        {
            if (string.IsNullOrWhiteSpace(text))
                continue;
            yield return ParseLine(text, number, context);
        }
    }

    private static Parsed ParseLine(string text, long number, ReaderContext context)
    {
        var cells = text.Split('\t');
        if (cells.Length != 3)
        {
            return Parsed.Fail(new DataFormatException(DataErrorKind.ColumnCount, context.File, number,
                $"expected 'question TAB answer TAB rationale' columns, found {Columns(cells.Length)}"));
        }

        var question = Unescape(cells[0]);
        var answer = Unescape(cells[1]);
        var rationale = Unescape(cells[2]).Trim();
        if (question.Trim().Length == 0 || answer.Trim().Length == 0)
        {
            return Parsed.Fail(new DataFormatException(DataErrorKind.MissingField, context.File, number,
                "expected a non-empty question and answer", cells[0].Trim().Length == 0 ? "question" : "answer"));
        }

        var completion = (rationale.Length == 0 ? "" : rationale + " ") + "So the answer is " + answer;
        return Parsed.Ok(new InstructionExample(ExampleIds.ForInstruction(question, completion), context.Source, question, completion));
    }

    private static string Unescape(string cell) => cell.Replace("\\n", "\n", StringComparison.Ordinal);

    internal static string Columns(int count) => count == 1 ? "1 column" : $"{count} columns";
}
