namespace Winnow.Cli.Tests;

/// <summary>A fact that runs tests/k8s/validate.mjs; skipped, with the reason, where Node.js or its npm packages are missing.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public static readonly string? Node = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, "node")).FirstOrDefault(File.Exists);
    public static readonly string Validator = Path.Combine(CliRunner.RepoRoot, "tests", "k8s", "validate.mjs");

    public NodeFactAttribute() => Skip = NodeCheck.SkipReason();
}
