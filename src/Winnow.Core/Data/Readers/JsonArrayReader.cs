using System.Text.Json;

namespace Winnow.Core.Data.Readers;

/// <summary>A top-level JSON array of records, streamed element by element (never parsed whole).</summary>
internal static class JsonArrayReader
{
    internal static IEnumerable<Parsed> Read(ReaderContext context)
    {
        using var stream = DataFiles.OpenRead(context.File);
        var elements = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream).ToBlockingEnumerable();
        using var enumerator = elements.GetEnumerator();
        long index = 0;
        while (Next(enumerator, context))
        {
            index++;
            foreach (var parsed in ParseElement(enumerator.Current, index, context))
                yield return parsed;
        }
    }

    private static bool Next(IEnumerator<JsonElement> enumerator, ReaderContext context)
    {
        try
        {
            return enumerator.MoveNext();
        }
        catch (JsonException e)
        {
            // A broken array cannot be resynchronised, so this ends the file.
            throw new DataFormatException(DataErrorKind.MalformedJson, context.File, e.LineNumber + 1, $"malformed JSON array: {e.Message}", inner: e);
        }
        catch (Exception e) when (e is System.Text.DecoderFallbackException or InvalidOperationException or ArgumentException)
        {
            throw new DataFormatException(DataErrorKind.MalformedJson, context.File, null, $"malformed JSON array: {e.Message}", inner: e);
        }
    }

    private static List<Parsed> ParseElement(JsonElement element, long index, ReaderContext context)
    {
        try
        {
            return JsonRecords.ToExamples(element, context, null).Select(Parsed.Ok).ToList();
        }
        catch (DataFormatException e)
        {
            // Array elements have no line of their own; name the element instead.
            return [Parsed.Fail(new DataFormatException(e.Kind, e.File, e.Line, $"element {index}: {e.Detail}", e.Field, e))];
        }
    }
}
