using System.Text.Json;

namespace Winnow.Core.Data.Readers;

/// <summary>JSON Lines: one object per line; blank lines are allowed; a bad line spoils only its own examples.</summary>
internal static class JsonlReader
{
    internal static IEnumerable<Parsed> Read(ReaderContext context)
    {
        foreach (var (number, text) in TextLines.Read(context.File))
        {
            if (string.IsNullOrWhiteSpace(text))
                continue;
            foreach (var parsed in ParseLine(text, number, context))
                yield return parsed;
        }
    }

    private static List<Parsed> ParseLine(string text, long number, ReaderContext context)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return JsonRecords.ToExamples(document.RootElement, context, number).Select(Parsed.Ok).ToList();
        }
        catch (JsonException e)
        {
            return [Parsed.Fail(new DataFormatException(DataErrorKind.MalformedJson, context.File, number, $"malformed JSON: {e.Message}", inner: e))];
        }
        catch (DataFormatException e)
        {
            return [Parsed.Fail(e)];
        }
    }
}
