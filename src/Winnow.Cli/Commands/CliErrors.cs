namespace Winnow.Cli.Commands;

/// <summary>
/// Turns the errors a user can cause (bad data, bad checkpoint, bad option, missing file) into one line on stderr and
/// exit code 2, instead of a stack trace. WINNOW_DEBUG=1 shows the full exception.
/// </summary>
internal static class CliErrors
{
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM (CliCancellation): the command stopped cleanly, having said what it kept.
            Console.Error.WriteLine("winnow: cancelled.");
            return 130;
        }
        catch (Exception e) when (IsUserFacing(e) && Environment.GetEnvironmentVariable("WINNOW_DEBUG") != "1")
        {
            Console.Error.WriteLine($"winnow: error: {OneLine(e)}");
            return 2;
        }
    }

    /// <summary>
    /// The message of a user-facing exception as one line, without what .NET appends for programmers: the
    /// " (Parameter 'name')" suffix and the "Actual value was …" line of argument exceptions.
    /// </summary>
    public static string OneLine(Exception e)
    {
        var message = e.Message;
        if (e is ArgumentException { ParamName: { } name })
        {
            message = message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
            if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
                message = message.Replace($"Actual value was {actual}.", "", StringComparison.Ordinal);
        }
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? e.GetType().Name : string.Join(" ", lines);
    }

    /// <summary>A System.CommandLine parse error in the user's words: "Cannot parse argument 'abc' for option '--budget' as expected type 'System.Int32'" names a .NET type.</summary>
    public static string ParseError(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message,
            @"^Cannot parse argument '(?<value>.*)' for (option|argument) '(?<option>[^']*)' as expected type '(?<type>[^']*)'");
        if (!match.Success) return string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var type = match.Groups["type"].Value;
        string expected = type switch
        {
            _ when type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) => "a whole number",
            _ when type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) => "a number",
            _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ when type.Contains("Winnow.", StringComparison.Ordinal) || type.Contains('.') => "one of the values the help lists",
            _ => type,
        };
        return $"{match.Groups["option"].Value}: '{match.Groups["value"].Value}' is not {expected}";
    }

    private static bool IsUserFacing(Exception e) =>
        e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException or NotSupportedException
        || (e.GetType().Namespace?.StartsWith("Winnow.", StringComparison.Ordinal) ?? false);
}
