namespace Winnow.Cli.Tests;

public sealed record CliResult(int ExitCode, string Out, string Error);
