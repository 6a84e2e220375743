namespace Winnow.Torch.Tests.Methods.Tov;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TovCollection : ICollectionFixture<TovFixture>
{
    public const string Name = "ToV";
}
