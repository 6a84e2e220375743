using System.Text.RegularExpressions;

namespace Winnow.Core.Data.Readers;

/// <summary>
/// CoNLL/BIO column files: one "token … tag" line per word, a blank line between sentences. Rules:
/// <list type="bullet">
/// <item>Columns are tab-separated when the line has a tab, otherwise whitespace-separated. Token = first column,
/// tag = last column; at least two columns are required.</item>
/// <item>CoNLL-U-like files ("index token tag …", e.g. UNER's .iob2) are recognised by a first word line of at least
/// three columns starting with "1"; there token = column 2, tag = column 3, and every word line must start with an
/// integer index.</item>
/// <item>Comments: in CoNLL-U-like files every line starting with "#"; elsewhere lines starting with "# " that contain
/// " = " (so a "#" token is still a word). A "# id = X" (or CoNLL-U "# sent_id = X") comment gives the next sentence its id.</item>
/// <item>"-DOCSTART-" lines end the current sentence and are otherwise ignored.</item>
/// <item>When every token of the file's first sentence carries the same language prefix ("en:" in WikiANN), that
/// prefix is stripped from the file's tokens.</item>
/// <item>Tags go through <see cref="Ner.TagNormalizer"/> (BIO, IOB1 or bare-type IO → BIO).</item>
/// </list>
/// A bad line spoils its whole sentence (reported once, with the first bad line).
/// </summary>
internal static partial class ConllReader
{
    internal static IEnumerable<Parsed> Read(ReaderContext context)
    {
        var file = new FileState();
        var sentence = new Sentence();
        foreach (var (number, raw) in TextLines.Read(context.File))
        {
            var text = raw.TrimEnd();
            if (text.Length == 0 || IsDocStart(text))
            {
                if (!sentence.IsEmpty)
                    yield return Flush(sentence, file, context);
                continue;
            }

            if (IsComment(text, file))
            {
                sentence.GivenId = IdFromComment(text) ?? sentence.GivenId;
                continue;
            }

            if (sentence.Error is null)
                AddWord(text, number, sentence, file, context);
        }

        if (!sentence.IsEmpty)
            yield return Flush(sentence, file, context);
    }

    private static void AddWord(string text, long number, Sentence sentence, FileState file, ReaderContext context)
    {
        var cells = text.Contains('\t')
            ? text.Split('\t', StringSplitOptions.TrimEntries)
            : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        file.ConllU ??= cells.Length >= 3 && cells[0] == "1";
        if (cells.Length < (file.ConllU == true ? 3 : 2))
        {
            var expected = file.ConllU == true ? "'index token tag' columns" : "'token tag' columns";
            sentence.Error = new DataFormatException(DataErrorKind.ColumnCount, context.File, number,
                $"expected {expected}, found {QaTsvReader.Columns(cells.Length)}", field: "tag");
            return;
        }

        if (file.ConllU == true && !long.TryParse(cells[0], out _))
        {
            sentence.Error = new DataFormatException(DataErrorKind.ColumnCount, context.File, number,
                $"expected an integer token index in column 1, found '{cells[0]}'", field: "index");
            return;
        }

        sentence.Tokens.Add(file.ConllU == true ? cells[1] : cells[0]);
        sentence.Tags.Add(file.ConllU == true ? cells[2] : cells[^1]);
        sentence.Lines.Add(number);
    }

    private static Parsed Flush(Sentence sentence, FileState file, ReaderContext context)
    {
        try
        {
            if (sentence.Error is not null)
                return Parsed.Fail(sentence.Error);
            file.LanguagePrefix ??= CommonLanguagePrefix(sentence.Tokens);
            var tokens = sentence.Tokens.Select(t => StripPrefix(t, file.LanguagePrefix)).ToArray();
            var tags = context.Tags.Normalize(sentence.Tags, sentence.Lines);
            return Parsed.Ok(new NerExample(sentence.GivenId ?? ExampleIds.ForNer(tokens, tags), context.Source, tokens, tags));
        }
        catch (DataFormatException e)
        {
            return Parsed.Fail(e);
        }
        finally
        {
            sentence.Clear();
        }
    }

    private static bool IsDocStart(string text) => text.StartsWith("-DOCSTART-", StringComparison.Ordinal);

    private static bool IsComment(string text, FileState file) =>
        text.StartsWith('#') && (file.ConllU == true || (text.StartsWith("# ", StringComparison.Ordinal) && text.Contains(" = ", StringComparison.Ordinal)));

    private static string? IdFromComment(string text)
    {
        var match = IdComment().Match(text);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string CommonLanguagePrefix(List<string> tokens)
    {
        var match = LanguagePrefix().Match(tokens[0]);
        if (!match.Success)
            return "";
        var prefix = match.Groups[1].Value;
        return tokens.All(t => t.Length > prefix.Length && t.StartsWith(prefix, StringComparison.Ordinal)) ? prefix : "";
    }

    private static string StripPrefix(string token, string? prefix) =>
        !string.IsNullOrEmpty(prefix) && token.Length > prefix.Length && token.StartsWith(prefix, StringComparison.Ordinal)
            ? token[prefix.Length..]
            : token;

    [GeneratedRegex(@"^#\s*(?:sent_)?id\s*=\s*(\S+)\s*$")]
    private static partial Regex IdComment();

    [GeneratedRegex(@"^([a-z]{2,3}:).")]
    private static partial Regex LanguagePrefix();

    private sealed class FileState
    {
        internal bool? ConllU { get; set; }

        internal string? LanguagePrefix { get; set; }
    }

    private sealed class Sentence
    {
        internal List<string> Tokens { get; } = [];

        internal List<string> Tags { get; } = [];

        internal List<long> Lines { get; } = [];

        internal string? GivenId { get; set; }

        internal DataFormatException? Error { get; set; }

        internal bool IsEmpty => Tokens.Count == 0 && Error is null;

        internal void Clear()
        {
            Tokens.Clear();
            Tags.Clear();
            Lines.Clear();
            GivenId = null;
            Error = null;
        }
    }
}
