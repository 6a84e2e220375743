using Winnow.Torch.Tests.Methods.Tov;

namespace Winnow.Torch.Tests.Methods.Less;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LessCollection : ICollectionFixture<TovFixture>
{
    public const string Name = "LESS";
}
