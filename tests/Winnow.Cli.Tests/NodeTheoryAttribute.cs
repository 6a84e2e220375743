namespace Winnow.Cli.Tests;

/// <summary>The theory form of <see cref="NodeFactAttribute"/>.</summary>
public sealed class NodeTheoryAttribute : TheoryAttribute
{
    public NodeTheoryAttribute() => Skip = NodeCheck.SkipReason();
}
