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
            Console.Error.WriteLine($"winnow: error: {e.Message}");
            return 2;
        }
    }

    private static bool IsUserFacing(Exception e) =>
        e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException or NotSupportedException
        || (e.GetType().Namespace?.StartsWith("Winnow.", StringComparison.Ordinal) ?? false);
}
