namespace Winnow.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output. Console redirection is process-wide, so CLI tests run serially.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "CLI";
}
