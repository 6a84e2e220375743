namespace Winnow.Torch.Tests.TestSupport;

/// <summary>
/// Training tests share libtorch's process-wide state (thread count, global generator), so they run alone rather
/// than beside other test classes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchSerialCollection
{
    public const string Name = "Torch serial";
}
