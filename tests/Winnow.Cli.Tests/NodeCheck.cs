namespace Winnow.Cli.Tests;

/// <summary>Why the schema check cannot run here, or null: it needs Node.js and the npm packages of tests/k8s.</summary>
internal static class NodeCheck
{
    public static string? SkipReason()
    {
        if (NodeFactAttribute.Node is null) return "Node.js is not installed (the Kubernetes schema check runs kubernetes-models from npm).";
        if (!Directory.Exists(Path.Combine(CliRunner.RepoRoot, "tests", "k8s", "node_modules", "kubernetes-models")))
            return "tests/k8s has no node_modules: test.sh installs them with `npm ci` (here npm was missing or the install failed).";
        return null;
    }
}
